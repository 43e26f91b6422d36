"""Roster refresh: know everyone enrolled in a cohort's course, including people who never launched.

The course's members are read through the roster client (NRPS) with the tool's
client-credentials token, from the roster URL Canvas gave the latest launch in the course. What
changes is decided by :func:`ctom_lti.cohorts.roster_rules.plan_roster`; this module gathers the
inputs and writes the outcome. Nothing is deleted: people who left are marked inactive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cohorts.errors import RosterUnavailable
from ctom_lti.cohorts.roster_rules import (
    ACTIVE,
    INACTIVE,
    KnownMembership,
    RosterEntry,
    RosterPlan,
    plan_roster,
)
from ctom_lti.db import utcnow
from ctom_lti.lti.advantage import Member
from ctom_lti.models import AuditEvent, Cohort, Membership, Person, Platform, Role

_ROLE_VALUES = frozenset(r.value for r in Role)


@dataclass(frozen=True)
class _Planned:
    plan: RosterPlan
    #: the cohort's memberships by (sub, role value)
    existing: dict[tuple[str, str], Membership]


@dataclass(frozen=True)
class RosterOutcome:
    """What a refresh found and changed."""

    #: people the roster lists
    members: int
    #: people the tool did not know in this cohort before
    new_people: int
    #: memberships made, or made active again
    activated: int
    #: memberships marked inactive (people who left the course)
    inactive: int

    def describe(self, cohort_name: str) -> str:
        return (
            f"Roster of {cohort_name}: {self.members} people enrolled, {self.new_people} new to "
            f"the tool, {self.activated} memberships added or active again, {self.inactive} "
            "marked inactive (left the course)."
        )


def read_members(app: Flask, cohort: Cohort) -> tuple[Member, ...]:
    """The course's members, read with the tool's token.

    :raises RosterUnavailable: no launch has told the tool the course's roster URL yet.
    :raises ServiceUnavailable | PlatformServiceError: Canvas did not give the roster.
    """
    from ctom_lti.lti.services import roster_client

    if not cohort.nrps_url:
        raise RosterUnavailable(
            "Canvas has not yet told the tool where this course's roster is: nobody has opened "
            "CTO Mentor from the course since it was installed.",
            hint="Open CTO Mentor once from the course in Canvas (any role), then refresh again.",
        )
    roster = roster_client(app, platform_id=cohort.platform_id, memberships_url=cohort.nrps_url)
    return roster.members()


def plan_for(session: Session, cohort: Cohort, members: Sequence[Member]) -> _Planned:
    """Compare ``members`` with the cohort's memberships (reads only)."""
    rows = session.execute(
        select(Membership, Person.sub)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.cohort_id == cohort.id)
    ).all()
    known = [
        KnownMembership(sub, Role(m.role), m.status, m.last_launch_at is not None)
        for m, sub in rows
        if m.role in _ROLE_VALUES
    ]
    plan = plan_roster((RosterEntry(m.sub, m.roles, m.active) for m in members), known)
    return _Planned(plan, {(sub, m.role): m for m, sub in rows})


def apply_roster(
    session: Session,
    cohort: Cohort,
    members: Sequence[Member],
    planned: _Planned | None = None,
    *,
    actor_id: int | None = None,
) -> RosterOutcome:
    """Record ``members`` as the cohort's current roster. Takes a session, does not commit."""
    planned = planned or plan_for(session, cohort, members)
    plan, existing = planned.plan, planned.existing
    people = _people(session, cohort.platform_id, members)
    for sub, role in plan.active:
        membership = existing.get((sub, role.value))
        if membership is None:
            session.add(Membership(person_id=people[sub].id, cohort_id=cohort.id, role=role.value))
        else:
            membership.status = ACTIVE
    for sub, role in plan.inactive:
        existing[(sub, role.value)].status = INACTIVE
    cohort.roster_refreshed_at = utcnow()
    outcome = RosterOutcome(len(members), len(plan.new_people), len(plan.added), len(plan.inactive))
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action="roster.refresh",
            subject=cohort.sis_course_id or f"cohort {cohort.id}",
            detail={
                "members": outcome.members,
                "new_people": outcome.new_people,
                "activated": outcome.activated,
                "inactive": outcome.inactive,
            },
        )
    )
    session.flush()
    return outcome


def _people(session: Session, platform_id: int, members: Sequence[Member]) -> dict[str, Person]:
    """The roster's people by sub, made when new; names the roster gives replace older ones."""
    subs = [m.sub for m in members]
    found = {
        p.sub: p
        for p in session.scalars(
            select(Person).where(Person.platform_id == platform_id, Person.sub.in_(subs))
        )
    }
    for member in members:
        person = found.get(member.sub)
        if person is None:
            person = Person(platform_id=platform_id, sub=member.sub)
            session.add(person)
            found[member.sub] = person
        # A lower privacy level leaves names out: keep what a launch told us.
        for field in ("name", "given_name", "family_name", "email"):
            value = getattr(member, field)
            if value:
                setattr(person, field, value)
        if member.sis_user_id:
            person.sis_user_id = member.sis_user_id
    session.flush()
    return found


def refresh_roster(
    app: Flask, session: Session, cohort: Cohort, *, actor_id: int | None = None
) -> RosterOutcome:
    """Read the course roster and record it; does not commit.

    People about to be marked inactive lose their launch fingerprint first, so their next
    launch is written out in full and makes them active again at once if they came back. (It
    happens before this session writes: with SQLite the store is the same database.)
    """
    from ctom_lti.lti.provisioning import fingerprint_key
    from ctom_lti.lti.runtime import get_runtime

    members = read_members(app, cohort)
    planned = plan_for(session, cohort, members)
    left = sorted({sub for sub, _ in planned.plan.inactive})
    platform = session.get(Platform, cohort.platform_id)
    if left and platform is not None and cohort.context_id:
        cache = get_runtime(app).cache
        for sub in left:
            cache.delete(
                fingerprint_key(platform.issuer, platform.client_id, sub, cohort.context_id)
            )
    return apply_roster(session, cohort, members, planned, actor_id=actor_id)
