"""Who is in the course now: the pure decision behind a roster refresh.

The course roster (NRPS) lists the people enrolled now; the tool's memberships say what it knew
before. Nothing is ever deleted: people who left are marked inactive, and come back active when
the roster lists them again.

NRPS carries no Canvas role labels, so a custom "Mentor" role built on the student type reads as
a candidate there; a launch carries the labels and tells the two apart. So once a person has
launched, their launched roles stand and the roster only says whether they are still enrolled.
Admin memberships come from account roles, not from the course, and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ctom_lti.models import Role

#: Roles that come from an enrolment in the course, which the roster can confirm or end.
COURSE_ROLES = frozenset({Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR})
ACTIVE, INACTIVE = "active", "inactive"


@dataclass(frozen=True)
class RosterEntry:
    """A person the roster lists, as the rules need them."""

    sub: str
    roles: frozenset[Role]
    active: bool


@dataclass(frozen=True)
class KnownMembership:
    """A membership the tool already has in this cohort."""

    sub: str
    role: Role
    status: str
    #: True when it was recorded from a launch (its role came with Canvas's role labels).
    launched: bool


@dataclass(frozen=True)
class RosterPlan:
    """What to write: memberships to make or keep active, and ones to mark inactive."""

    #: (sub, role) pairs that must be active, new or not
    active: tuple[tuple[str, Role], ...]
    #: (sub, role) pairs to mark inactive
    inactive: tuple[tuple[str, Role], ...]
    #: subs of people the tool has no membership for yet in this cohort
    new_people: tuple[str, ...]
    #: (sub, role) pairs in ``active`` that did not exist or were inactive
    added: tuple[tuple[str, Role], ...]


def plan_roster(roster: Iterable[RosterEntry], known: Iterable[KnownMembership]) -> RosterPlan:
    by_sub: dict[str, list[KnownMembership]] = {}
    for membership in known:
        by_sub.setdefault(membership.sub, []).append(membership)
    active: list[tuple[str, Role]] = []
    inactive: list[tuple[str, Role]] = []
    added: list[tuple[str, Role]] = []
    listed: set[str] = set()
    for entry in roster:
        listed.add(entry.sub)
        theirs = [m for m in by_sub.get(entry.sub, []) if m.role in COURSE_ROLES]
        launched = {m.role for m in theirs if m.launched}
        wanted = (launched or entry.roles) & COURSE_ROLES if entry.active else frozenset()
        status = {m.role: m.status for m in theirs}
        for role in sorted(wanted):
            active.append((entry.sub, role))
            if status.get(role) != ACTIVE:
                added.append((entry.sub, role))
        inactive += [(entry.sub, r) for r, s in status.items() if r not in wanted and s == ACTIVE]
    for sub, memberships in by_sub.items():
        if sub not in listed:
            inactive += [
                (sub, m.role) for m in memberships if m.role in COURSE_ROLES and m.status == ACTIVE
            ]
    new_people = tuple(sorted({sub for sub, _ in active if sub not in by_sub}))
    return RosterPlan(tuple(active), tuple(sorted(inactive)), new_people, tuple(added))
