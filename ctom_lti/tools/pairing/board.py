"""What the pairing pages show, gathered in a fixed number of queries (reads only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import desc, func, or_, select
from sqlalchemy.orm import Session

from ctom_lti.features import Viewer
from ctom_lti.models import Person, Role
from ctom_lti.tools.pairing.facts import ACTIVE, ENDED, PROPOSED, cohort_facts
from ctom_lti.tools.pairing.models import Pairing, PairingEvent, PairingPush
from ctom_lti.tools.pairing.people import PENDING_SUB, display_name
from ctom_lti.tools.pairing.push import last_push
from ctom_lti.tools.pairing.rules import QUALIFICATION_LABELS, QUALIFICATIONS, eligibility


@dataclass(frozen=True)
class PairView:
    id: int
    version: int
    status: str
    mentor: Person
    candidate: Person
    score: dict[str, Any] | None
    origin: str
    started_on: date | None
    ended_on: date | None
    end_reason: str | None


@dataclass(frozen=True)
class MentorLoad:
    mentor: Person
    active: int
    capacity: int
    eligible: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Board:
    active: tuple[PairView, ...]
    proposed: tuple[PairView, ...]
    unpaired: tuple[Person, ...]
    loads: tuple[MentorLoad, ...]
    last_push: PairingPush | None
    #: Changes to active pairings since the last push: (verb, mentor name, candidate name).
    changes: tuple[tuple[str, str, str], ...]


def _views(session: Session, rows: Sequence[Pairing]) -> list[PairView]:
    ids = {p for r in rows for p in (r.mentor_person_id, r.candidate_person_id)}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [
        PairView(
            r.id,
            r.version,
            r.status,
            people[r.mentor_person_id],
            people[r.candidate_person_id],
            r.score,
            r.origin,
            r.started_on,
            r.ended_on,
            r.end_reason,
        )
        for r in rows
    ]


def pairings_of(session: Session, cohort_id: int, *statuses: str) -> list[PairView]:
    rows = session.scalars(
        select(Pairing)
        .where(Pairing.cohort_id == cohort_id, Pairing.status.in_(statuses))
        .order_by(Pairing.id)
    ).all()
    return _views(session, rows)


def board(session: Session, cohort_id: int) -> Board:
    facts = cohort_facts(session, cohort_id)
    views = pairings_of(session, cohort_id, ACTIVE, PROPOSED)
    active = [v for v in views if v.status == ACTIVE]
    proposed = [v for v in views if v.status == PROPOSED]
    loads = tuple(
        MentorLoad(
            facts.people[m.person_id],
            facts.load.get(m.person_id, 0),
            m.capacity,
            eligibility(m).eligible,
            eligibility(m).reasons,
        )
        for m in facts.mentors
    )
    pushed = last_push(session, cohort_id)
    return Board(
        tuple(active),
        tuple(proposed),
        tuple(facts.people[c.person_id] for c in facts.unpaired),
        loads,
        pushed,
        _changes(pushed, active, facts.people),
    )


def _changes(
    pushed: PairingPush | None, active: Sequence[PairView], people: dict[int, Person]
) -> tuple[tuple[str, str, str], ...]:
    before = {(m, c) for m, c in (pushed.pushed_pairs if pushed else [])}
    now = {(v.mentor.id, v.candidate.id) for v in active}

    def name(pid: int) -> str:
        return display_name(people[pid]) if pid in people else f"Person {pid}"

    added = [("added", name(m), name(c)) for m, c in sorted(now - before)]
    removed = [("removed", name(m), name(c)) for m, c in sorted(before - now)]
    return tuple(added + removed)


@dataclass(frozen=True)
class MentorRow:
    person: Person
    region: str | None
    capacity: int
    expertise: tuple[str, ...]
    qualifications: tuple[tuple[str, bool], ...]
    eligible: bool
    reasons: tuple[str, ...]


def mentor_rows(session: Session, cohort_id: int) -> list[MentorRow]:
    facts = cohort_facts(session, cohort_id)
    return [
        MentorRow(
            facts.people[m.person_id],
            m.region,
            m.capacity,
            tuple(sorted(m.expertise)),
            tuple((QUALIFICATION_LABELS[k], k in m.qualifications) for k in QUALIFICATIONS),
            eligibility(m).eligible,
            eligibility(m).reasons,
        )
        for m in facts.mentors
    ]


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    action: str
    mentor: str
    candidate: str
    actor: str | None
    note: str


def history(session: Session, cohort_id: int, limit: int = 500) -> list[HistoryRow]:
    mentor = Person.__table__.alias("m")
    candidate = Person.__table__.alias("c")
    actor = Person.__table__.alias("a")
    rows = session.execute(
        select(
            PairingEvent.at,
            PairingEvent.action,
            func.coalesce(mentor.c.name, mentor.c.email),
            func.coalesce(candidate.c.name, candidate.c.email),
            func.coalesce(actor.c.name, actor.c.email),
            PairingEvent.note,
        )
        .join(Pairing, Pairing.id == PairingEvent.pairing_id)
        .join(mentor, mentor.c.id == Pairing.mentor_person_id)
        .join(candidate, candidate.c.id == Pairing.candidate_person_id)
        .outerjoin(actor, actor.c.id == PairingEvent.actor_person_id)
        .where(Pairing.cohort_id == cohort_id)
        .order_by(desc(PairingEvent.id))
        .limit(limit)
    ).all()
    return [HistoryRow(*row) for row in rows]


def selves(session: Session, viewer: Viewer) -> list[int]:
    """The viewer's person id and those of any pending import of the same email (made before
    they first launched), so their pairings follow them."""
    me = session.get(Person, viewer.person_id)
    if me is None or not me.email:
        return [viewer.person_id]
    twins = session.scalars(
        select(Person.id).where(
            Person.platform_id == me.platform_id,
            Person.sub.startswith(PENDING_SUB),
            func.lower(Person.email) == me.email.casefold(),
        )
    ).all()
    return [viewer.person_id, *twins]


@dataclass(frozen=True)
class MyPairing:
    #: For a mentor: their active mentees, then their past ones (read-only).
    mentees: tuple[PairView, ...]
    past_mentees: tuple[PairView, ...]
    #: For a candidate: their active mentor.
    mentor: PairView | None


def my_pairing(session: Session, viewer: Viewer) -> MyPairing:
    ids = selves(session, viewer)
    rows = session.scalars(
        select(Pairing)
        .where(
            Pairing.cohort_id == viewer.cohort_id,
            Pairing.status.in_((ACTIVE, ENDED)),
            or_(Pairing.mentor_person_id.in_(ids), Pairing.candidate_person_id.in_(ids)),
        )
        .order_by(Pairing.id)
    ).all()
    views = _views(session, rows)
    mine_as_mentor = [v for v in views if v.mentor.id in ids] if Role.MENTOR in viewer.roles else []
    as_candidate = (
        [v for v in views if v.candidate.id in ids and v.status == ACTIVE]
        if Role.CANDIDATE in viewer.roles
        else []
    )
    return MyPairing(
        tuple(v for v in mine_as_mentor if v.status == ACTIVE),
        tuple(v for v in mine_as_mentor if v.status == ENDED),
        as_candidate[0] if as_candidate else None,
    )
