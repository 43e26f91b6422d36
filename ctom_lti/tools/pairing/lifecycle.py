"""A pairing's life after the proposals: pairing two people by hand, ending a pairing (date and
reason), and re-pairing a candidate mid-year (one pairing ends, another starts, both in history).

Functions take the session and never commit: the view or command does, once the outcome says so.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.changes import (
    Change,
    get_pairing,
    locked,
    pair_problem,
    record,
    score_json,
)
from ctom_lti.tools.pairing.facts import ACTIVE, ENDED, PROPOSED, cohort_facts
from ctom_lti.tools.pairing.models import Pairing
from ctom_lti.tools.pairing.rules import pair_score


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
    problem = pair_problem(facts, candidate_id, mentor_id, allow_repeat=allow_repeat)
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
    record(session, row, "paired", None, actor_id=actor_id, note=note)
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
    pairing = get_pairing(session, cohort_id, pairing_id)
    refused = _end_problem(pairing, expected_version, on, reason)
    if refused is not None:
        return refused
    ok = locked(
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
    record(session, pairing, "ended", ACTIVE, actor_id=actor_id, note=reason)
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
    pairing = get_pairing(session, cohort_id, pairing_id)
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
