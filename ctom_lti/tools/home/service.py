"""Gather what the home page shows, in a fixed number of queries whatever the cohort size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.lti.models import MentorScope
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Cohort, Membership, Person, Role

#: The roster on the home page is a glance, not the dashboard.
ROSTER_LIMIT = 500


@dataclass(frozen=True)
class PersonRef:
    name: str
    email: str | None = None
    #: False for a mentee Canvas named who has not opened the tool yet.
    launched: bool = True


@dataclass(frozen=True)
class RosterRow:
    name: str
    role: Role
    last_launch_at: datetime | None


@dataclass(frozen=True)
class HomeSummary:
    cohort_title: str
    cohort_label: str | None
    mentors: tuple[PersonRef, ...]
    mentees: tuple[PersonRef, ...]
    roster: tuple[RosterRow, ...]
    role_counts: dict[Role, int]


def _ref(person: Person) -> PersonRef:
    return PersonRef(person.name or person.email or "Unnamed participant", person.email)


def home_summary(session: Session, launch: SessionLaunch) -> HomeSummary:
    cohort = session.get(Cohort, launch.cohort_id)
    mentors: tuple[PersonRef, ...] = ()
    if Role.CANDIDATE in launch.roles:
        mentors = tuple(
            _ref(p)
            for p in session.scalars(
                select(Person)
                .join(MentorScope, MentorScope.mentor_person_id == Person.id)
                .where(
                    MentorScope.cohort_id == launch.cohort_id, MentorScope.mentee_sub == launch.sub
                )
                .order_by(Person.name)
            )
        )
    mentees: tuple[PersonRef, ...] = ()
    if Role.MENTOR in launch.roles and launch.mentee_subs:
        found = {
            p.sub: p
            for p in session.scalars(
                select(Person).where(
                    Person.platform_id == launch.platform_id, Person.sub.in_(launch.mentee_subs)
                )
            )
        }
        mentees = tuple(
            _ref(found[sub])
            if sub in found
            else PersonRef("A candidate who has not opened CTO Mentor yet", launched=False)
            for sub in launch.mentee_subs
        )
    roster: tuple[RosterRow, ...] = ()
    counts: dict[Role, int] = {}
    if launch.has_any(Role.INSTRUCTOR, Role.ADMIN):
        rows = session.execute(
            select(Person.name, Person.email, Membership.role, Membership.last_launch_at)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.cohort_id == launch.cohort_id,
                Membership.status == "active",
                # People known from the roster alone have not opened the tool yet.
                Membership.last_launch_at.is_not(None),
            )
            .order_by(Membership.role, Person.name)
            .limit(ROSTER_LIMIT)
        ).all()
        roster = tuple(
            RosterRow(
                row.name or row.email or "Unnamed participant", Role(row.role), row.last_launch_at
            )
            for row in rows
        )
        for row in roster:
            counts[row.role] = counts.get(row.role, 0) + 1
    return HomeSummary(
        cohort_title=(cohort.title if cohort else launch.cohort_title) or "Your cohort",
        cohort_label=cohort.label if cohort else None,
        mentors=mentors,
        mentees=mentees,
        roster=roster,
        role_counts=counts,
    )
