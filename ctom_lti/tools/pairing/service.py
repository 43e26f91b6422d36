"""Pairing a cohort: proposals from the matching, accepting and rejecting them, pairing by hand,
ending and re-pairing. Every change is checked against the pairing's version (so two admins
cannot overwrite each other), recorded in the pairing's history and in the audit log.

Functions take the session and never commit: the view or command does, once the outcome says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import AuditEvent
from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.facts import ACTIVE, ENDED, PROPOSED, CohortFacts, cohort_facts
from ctom_lti.tools.pairing.matching import Proposal, propose
from ctom_lti.tools.pairing.models import Pairing, PairingEvent
from ctom_lti.tools.pairing.rules import ScoreBreakdown, hard_constraint_violation, pair_score


@dataclass(frozen=True)
class Change:
    """What became of an action on a pairing.

    ``refused`` says why nothing was done (a rule, a wrong state); ``stale`` means someone else
    changed the pairing first (nothing was written; reload and decide again).
    """

    pairing_id: int | None = None
    refused: str | None = None
    stale: bool = False

    @property
    def done(self) -> bool:
        return self.refused is None and not self.stale


def score_json(breakdown: ScoreBreakdown) -> dict[str, Any]:
    return {"total": breakdown.total, "parts": [asdict(p) for p in breakdown.parts]}


def _record(
    session: Session,
    pairing: Pairing,
    action: str,
    from_status: str | None,
    *,
    actor_id: int | None,
    note: str = "",
) -> None:
    session.add(
        PairingEvent(
            pairing_id=pairing.id,
            actor_person_id=actor_id,
            action=action,
            from_status=from_status,
            to_status=pairing.status,
            note=note,
        )
    )
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action=f"pairing.{action}",
            subject=f"pairing:{pairing.id}",
            detail={
                "cohort_id": pairing.cohort_id,
                "mentor_id": pairing.mentor_person_id,
                "candidate_id": pairing.candidate_person_id,
                "note": note,
            },
        )
    )


def make_proposals(
    session: Session, cohort_id: int, *, allow_repeat: bool = False, actor_id: int | None = None
) -> tuple[Proposal, CohortFacts]:
    """Propose mentors for every unpaired candidate, replacing earlier open proposals."""
    adopt_launched(session, cohort_id)
    session.execute(
        delete(Pairing)
        .where(Pairing.cohort_id == cohort_id, Pairing.status == PROPOSED)
        .execution_options(synchronize_session=False)
    )
    facts = cohort_facts(session, cohort_id)
    proposal = propose(
        facts.unpaired,
        facts.mentors,
        current_load=facts.load,
        ended_pairs=facts.ended_pairs,
        allow_repeat=allow_repeat,
    )
    for pair in proposal.pairs:
        row = Pairing(
            cohort_id=cohort_id,
            mentor_person_id=pair.mentor_id,
            candidate_person_id=pair.candidate_id,
            status=PROPOSED,
            score=score_json(pair.score),
            origin="proposal",
        )
        session.add(row)
        session.flush()
        _record(session, row, "proposed", None, actor_id=actor_id)
    session.flush()
    return proposal, facts


def _locked(
    session: Session, pairing_id: int, cohort_id: int, expected_version: int, **values: Any
) -> bool:
    """Write ``values`` if the pairing is still at ``expected_version``; False if not."""
    result = session.execute(
        update(Pairing)
        .where(
            Pairing.id == pairing_id,
            Pairing.cohort_id == cohort_id,
            Pairing.version == expected_version,
        )
        .values(version=Pairing.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _get(session: Session, cohort_id: int, pairing_id: int) -> Pairing | None:
    pairing = session.get(Pairing, pairing_id, populate_existing=True)
    if pairing is None or pairing.cohort_id != cohort_id:
        return None
    return pairing


def _pair_problem(
    facts: CohortFacts, candidate_id: int, mentor_id: int, *, allow_repeat: bool
) -> str | None:
    """Why ``mentor_id`` may not take ``candidate_id`` now (rules and capacity), or None."""
    candidate, mentor = facts.candidate(candidate_id), facts.mentor(mentor_id)
    if candidate is None:
        return "That person is not a candidate of this cohort."
    if mentor is None:
        return "That person is not a mentor of this cohort."
    if candidate_id in facts.paired:
        return f"{candidate.email} already has an active mentor; end that pairing first."
    problem = hard_constraint_violation(
        candidate, mentor, ended_pairs=facts.ended_pairs, allow_repeat=allow_repeat
    )
    if problem:
        return problem
    if facts.load.get(mentor_id, 0) >= mentor.capacity:
        return f"{mentor.email} already mentors {mentor.capacity}, their capacity."
    return None


def accept(
    session: Session,
    cohort_id: int,
    pairing_id: int,
    expected_version: int,
    *,
    on: date,
    actor_id: int | None = None,
) -> Change:
    """Make a proposed pairing active from ``on`` (checked again against rules and capacity)."""
    pairing = _get(session, cohort_id, pairing_id)
    if pairing is None:
        return Change(refused="That proposal no longer exists; propose again.")
    if pairing.version != expected_version:
        return Change(pairing_id, stale=True)
    if pairing.status != PROPOSED:
        return Change(pairing_id, refused=f"That pairing is {pairing.status}, not proposed.")
    facts = cohort_facts(session, cohort_id)
    problem = _pair_problem(
        facts, pairing.candidate_person_id, pairing.mentor_person_id, allow_repeat=True
    )
    if problem:
        return Change(pairing_id, refused=problem)
    if not _locked(session, pairing_id, cohort_id, expected_version, status=ACTIVE, started_on=on):
        return Change(pairing_id, stale=True)
    session.refresh(pairing)
    _record(session, pairing, "accepted", PROPOSED, actor_id=actor_id)
    session.flush()
    return Change(pairing_id)


def accept_all(
    session: Session, cohort_id: int, *, on: date, actor_id: int | None = None
) -> list[Change]:
    rows = session.scalars(
        select(Pairing)
        .where(Pairing.cohort_id == cohort_id, Pairing.status == PROPOSED)
        .order_by(Pairing.id)
    ).all()
    return [accept(session, cohort_id, p.id, p.version, on=on, actor_id=actor_id) for p in rows]


def reject(
    session: Session,
    cohort_id: int,
    pairing_id: int,
    expected_version: int,
    *,
    actor_id: int | None = None,
) -> Change:
    """Drop a proposal (it stays in the audit log)."""
    pairing = _get(session, cohort_id, pairing_id)
    if pairing is None:
        return Change(refused="That proposal no longer exists.")
    if pairing.status != PROPOSED:
        return Change(pairing_id, refused=f"That pairing is {pairing.status}, not proposed.")
    if pairing.version != expected_version:
        return Change(pairing_id, stale=True)
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action="pairing.rejected",
            subject=f"pairing:{pairing.id}",
            detail={
                "cohort_id": cohort_id,
                "mentor_id": pairing.mentor_person_id,
                "candidate_id": pairing.candidate_person_id,
            },
        )
    )
    session.delete(pairing)
    session.flush()
    return Change(pairing_id)


def hand_pair(
    session: Session,
    cohort_id: int,
    candidate_id: int,
    mentor_id: int,
    *,
    on: date,
    allow_repeat: bool = False,
    actor_id: int | None = None,
    note: str = "",
) -> Change:
    """Pair two people directly (active from ``on``); refused with the reason if a hard
    constraint or the mentor's capacity forbids it."""
    adopt_launched(session, cohort_id)
    facts = cohort_facts(session, cohort_id)
    problem = _pair_problem(facts, candidate_id, mentor_id, allow_repeat=allow_repeat)
    if problem:
        return Change(refused=problem)
    candidate, mentor = facts.candidate(candidate_id), facts.mentor(mentor_id)
    assert candidate is not None and mentor is not None
    session.execute(
        delete(Pairing)
        .where(
            Pairing.cohort_id == cohort_id,
            Pairing.candidate_person_id == candidate_id,
            Pairing.status == PROPOSED,
        )
        .execution_options(synchronize_session=False)
    )
    row = Pairing(
        cohort_id=cohort_id,
        mentor_person_id=mentor_id,
        candidate_person_id=candidate_id,
        status=ACTIVE,
        score=score_json(
            pair_score(candidate, mentor, existing_mentees=facts.load.get(mentor_id, 0))
        ),
        origin="hand",
        started_on=on,
    )
    session.add(row)
    session.flush()
    _record(session, row, "paired", None, actor_id=actor_id, note=note)
    session.flush()
    return Change(row.id)


def _end_problem(
    pairing: Pairing | None, expected_version: int, on: date, reason: str
) -> Change | None:
    if not reason:
        return Change(pairing.id if pairing else None, refused="Say why the pairing ends.")
    if pairing is None:
        return Change(refused="No such pairing in this cohort.")
    if pairing.version != expected_version:
        return Change(pairing.id, stale=True)
    if pairing.status != ACTIVE:
        return Change(pairing.id, refused=f"That pairing is {pairing.status}, not active.")
    if pairing.started_on and on < pairing.started_on:
        return Change(pairing.id, refused=f"It started on {pairing.started_on}; end it after.")
    return None


def end(
    session: Session,
    cohort_id: int,
    pairing_id: int,
    expected_version: int,
    *,
    on: date,
    reason: str,
    actor_id: int | None = None,
) -> Change:
    """End an active pairing on ``on`` for ``reason`` (required)."""
    reason = " ".join(reason.split())
    pairing = _get(session, cohort_id, pairing_id)
    refused = _end_problem(pairing, expected_version, on, reason)
    if refused is not None:
        return refused
    ok = _locked(
        session,
        pairing_id,
        cohort_id,
        expected_version,
        status=ENDED,
        ended_on=on,
        end_reason=reason,
    )
    if not ok:
        return Change(pairing_id, stale=True)
    assert pairing is not None
    session.refresh(pairing)
    _record(session, pairing, "ended", ACTIVE, actor_id=actor_id, note=reason)
    session.flush()
    return Change(pairing_id)


def repair(
    session: Session,
    cohort_id: int,
    pairing_id: int,
    expected_version: int,
    new_mentor_id: int,
    *,
    on: date,
    reason: str,
    actor_id: int | None = None,
) -> Change:
    """End a pairing and pair its candidate with ``new_mentor_id`` from the same day; nothing
    changes when either step is refused."""
    pairing = _get(session, cohort_id, pairing_id)
    if pairing is None:
        return Change(refused="No such pairing in this cohort.")
    candidate_id = pairing.candidate_person_id
    with session.begin_nested() as step:
        ended = end(
            session,
            cohort_id,
            pairing_id,
            expected_version,
            on=on,
            reason=reason,
            actor_id=actor_id,
        )
        if not ended.done:
            step.rollback()
            return ended
        started = hand_pair(
            session,
            cohort_id,
            candidate_id,
            new_mentor_id,
            on=on,
            allow_repeat=False,
            actor_id=actor_id,
            note=f"Re-paired: {reason}",
        )
        if not started.done:
            step.rollback()
            return Change(pairing_id, refused=started.refused)
    return started
