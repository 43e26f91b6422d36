"""Rows made straight in the database, so a feature test can arrange a cohort of people without
a launch for each of them.

Each function adds its row to the session it is given and flushes, so ids are set; the test
decides when to commit (``session_scope`` does it on leaving). Every field a test does not name
gets a plausible, unique value, and any model column may be given as a keyword to override it.
A launch finds these rows as it would rows an earlier launch made: a person by ``(platform,
sub)``, a cohort by ``(platform, context_id)``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import Cohort, Membership, Person, Platform, Role

_serial = itertools.count(1)

#: The Canvas Cloud issuer every tenant shares (a registration is told apart by its client id).
CANVAS_ISSUER = "https://canvas.instructure.com"


def _next() -> int:
    return next(_serial)


def make_platform(session: Session, **fields: Any) -> Platform:
    """A registration of a Canvas developer key (no deployments, no Canvas token)."""
    n = _next()
    values: dict[str, Any] = {
        "issuer": CANVAS_ISSUER,
        "client_id": f"1000000000{n:05d}",
        "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
        "name": f"School district {n}",
    }
    platform = Platform(**(values | fields))
    session.add(platform)
    session.flush()
    return platform


def make_cohort(session: Session, platform: Platform | int | None = None, **fields: Any) -> Cohort:
    """A cohort in a Canvas course of ``platform`` (a new registration when none is given)."""
    n = _next()
    values: dict[str, Any] = {
        "platform_id": _platform_id(session, platform),
        "context_id": f"{n:040x}",
        "canvas_course_id": str(500 + n),
        "sis_course_id": f"CTOM-TEST-{n}",
        "title": f"CTO Mentor Program — Cohort {n}",
    }
    cohort = Cohort(**(values | fields))
    session.add(cohort)
    session.flush()
    return cohort


def make_person(session: Session, platform: Platform | int | None = None, **fields: Any) -> Person:
    """Someone known on ``platform``: launched before, or read from the course roster."""
    n = _next()
    given, family = "Person", f"Number{n}"
    values: dict[str, Any] = {
        "platform_id": _platform_id(session, platform),
        "sub": f"person-{n:08d}-0000-4000-8000-000000000000",
        "name": f"{given} {family}",
        "given_name": given,
        "family_name": family,
        "email": f"person{n}@district.example.org",
        "canvas_user_id": str(1000 + n),
    }
    person = Person(**(values | fields))
    session.add(person)
    session.flush()
    return person


def make_membership(
    session: Session,
    cohort: Cohort,
    role: Role = Role.CANDIDATE,
    person: Person | None = None,
    **fields: Any,
) -> Membership:
    """``person`` (a new one on the cohort's platform when not given) in ``cohort`` as ``role``."""
    if person is None:
        person = make_person(session, cohort.platform_id)
    values: dict[str, Any] = {
        "person_id": person.id,
        "cohort_id": cohort.id,
        "role": role.value,
        "status": "active",
        "last_launch_at": utcnow(),
    }
    membership = Membership(**(values | fields))
    session.add(membership)
    session.flush()
    return membership


@dataclass
class CohortOfPeople:
    """A cohort with people in each role, by role."""

    cohort: Cohort
    people: dict[Role, list[Person]] = field(default_factory=dict)

    def of(self, role: Role) -> list[Person]:
        return self.people.get(role, [])


def make_cohort_of_people(
    session: Session,
    platform: Platform | int | None = None,
    *,
    candidates: int = 3,
    mentors: int = 1,
    instructors: int = 1,
    **cohort_fields: Any,
) -> CohortOfPeople:
    """A cohort and its people: ``candidates`` candidates, ``mentors`` mentors, ``instructors``
    instructors, each with an active membership."""
    made = CohortOfPeople(make_cohort(session, platform, **cohort_fields))
    for role, count in (
        (Role.CANDIDATE, candidates),
        (Role.MENTOR, mentors),
        (Role.INSTRUCTOR, instructors),
    ):
        for _ in range(count):
            person = make_person(session, made.cohort.platform_id)
            make_membership(session, made.cohort, role, person)
            made.people.setdefault(role, []).append(person)
    return made


def _platform_id(session: Session, platform: Platform | int | None) -> int:
    if platform is None:
        return make_platform(session).id
    return platform if isinstance(platform, int) else platform.id
