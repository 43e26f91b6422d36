"""Gather what the home page shows, in a fixed number of statements whatever the cohort size and
however many features bring cards: one for the course and every card's facts, plus one list
for the viewer's role (their mentors, their mentees, or the cohort's recent launches)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, case, func, select, true
from sqlalchemy.orm import Session

from ctom_lti.card_facts import VIEWER_COHORT_ID, VIEWER_PERSON_ID, viewer_cohort_id
from ctom_lti.lti.models import MentorScope
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Cohort, Membership, Person, Role

#: The roster on the home page is a glance (who opened the tool lately), not the dashboard.
ROSTER_LIMIT = 20


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
    #: The people who opened the tool most recently (at most ``ROSTER_LIMIT``).
    roster: tuple[RosterRow, ...]
    #: Everyone in the cohort who has opened the tool, by role.
    role_counts: dict[Role, int]
    #: The values of the features' card facts (see ``FeatureRegistry.card_facts``).
    card_values: Mapping[str, Any]


def _ref(name: str | None, email: str | None) -> PersonRef:
    return PersonRef(name or email or "Unnamed participant", email)


@dataclass(frozen=True)
class HomeStatements:
    """The home page's statements, built once per app (building costs more than running)."""

    facts: Executable
    fact_names: tuple[str, ...]
    mentors: Executable
    mentees: Executable
    recent: Executable


def home_statements(card_facts: Mapping[str, ColumnElement[Any]]) -> HomeStatements:
    """The statements for an app whose features' card facts are ``card_facts``."""
    cohort = viewer_cohort_id()
    # People known from the roster alone have not opened the tool yet.
    launched = (
        Membership.cohort_id == cohort,
        Membership.status == "active",
        Membership.last_launch_at.is_not(None),
    )
    latest = (
        select(Person.name, Person.email, Membership.role, Membership.last_launch_at)
        .join(Membership, Membership.person_id == Person.id)
        .where(*launched)
        .order_by(Membership.last_launch_at.desc(), Person.name)
        .limit(ROSTER_LIMIT)
        .subquery("latest")
    )
    # Counted over memberships alone (no join, no window over every row), once, and joined to
    # each of the latest rows.
    counts = (
        select(
            *(
                func.sum(case((Membership.role == role.value, 1), else_=0)).label(role.value)
                for role in Role
            )
        )
        .where(*launched)
        .subquery("counts")
    )
    return HomeStatements(
        facts=select(
            select(Cohort.title).where(Cohort.id == cohort).scalar_subquery().label("title"),
            select(Cohort.label).where(Cohort.id == cohort).scalar_subquery().label("label"),
            *(expression.label(name) for name, expression in card_facts.items()),
        ),
        fact_names=tuple(card_facts),
        mentors=select(Person.name, Person.email)
        .join(MentorScope, MentorScope.mentor_person_id == Person.id)
        .where(MentorScope.cohort_id == cohort, MentorScope.mentee_sub == bindparam("sub"))
        .order_by(Person.name),
        mentees=select(Person.sub, Person.name, Person.email).where(
            Person.platform_id == bindparam("platform_id"),
            Person.sub.in_(bindparam("subs", expanding=True)),
        ),
        recent=select(latest, *(counts.c[role.value] for role in Role))
        .join_from(latest, counts, true())
        .order_by(latest.c.last_launch_at.desc(), latest.c.name),
    )


def home_summary(session: Session, launch: SessionLaunch, sql: HomeStatements) -> HomeSummary:
    conn = session.connection()
    viewer = {VIEWER_PERSON_ID: launch.person_id, VIEWER_COHORT_ID: launch.cohort_id}
    values = conn.execute(sql.facts, viewer).one()._mapping
    mentors: tuple[PersonRef, ...] = ()
    if Role.CANDIDATE in launch.roles:
        rows = conn.execute(sql.mentors, {**viewer, "sub": launch.sub})
        mentors = tuple(_ref(row.name, row.email) for row in rows)
    mentees: tuple[PersonRef, ...] = ()
    if Role.MENTOR in launch.roles and launch.mentee_subs:
        rows = conn.execute(
            sql.mentees, {"platform_id": launch.platform_id, "subs": list(launch.mentee_subs)}
        )
        found = {row.sub: _ref(row.name, row.email) for row in rows}
        mentees = tuple(
            found.get(sub)
            or PersonRef("A candidate who has not opened CTO Mentor yet", launched=False)
            for sub in launch.mentee_subs
        )
    roster: tuple[RosterRow, ...] = ()
    counts: dict[Role, int] = {}
    if launch.has_any(Role.INSTRUCTOR, Role.ADMIN):
        recent = conn.execute(sql.recent, viewer).all()
        roster = tuple(
            RosterRow(
                row.name or row.email or "Unnamed participant", Role(row.role), row.last_launch_at
            )
            for row in recent
        )
        if recent:
            everyone = recent[0]._mapping
            counts = {role: int(everyone[role.value]) for role in Role if everyone[role.value]}
    return HomeSummary(
        cohort_title=values["title"] or launch.cohort_title or "Your cohort",
        cohort_label=values["label"],
        mentors=mentors,
        mentees=mentees,
        roster=roster,
        role_counts=counts,
        card_values={name: values[name] for name in sql.fact_names},
    )
