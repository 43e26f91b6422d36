"""Proposals for a cohort from the matching, and accepting or rejecting them pair by pair or all
at once. Every change is version-checked and recorded (``changes``).

Functions take the session and never commit: the view or command does, once the outcome says so.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctom_lti.models import AuditEvent
from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.changes import (
    Change,
    get_pairing,
    locked,
    pair_problem,
    record,
    score_json,
)
from ctom_lti.tools.pairing.facts import ACTIVE, PROPOSED, CohortFacts, cohort_facts
from ctom_lti.tools.pairing.matching import Proposal, propose
from ctom_lti.tools.pairing.models import Pairing


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
        record(session, row, "proposed", None, actor_id=actor_id)
    session.flush()
    return proposal, facts


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
    pairing = get_pairing(session, cohort_id, pairing_id)
    if pairing is None:
        return Change(refused="That proposal no longer exists; propose again.")
    if pairing.version != expected_version:
        return Change(pairing_id, stale=True)
    if pairing.status != PROPOSED:
        return Change(pairing_id, refused=f"That pairing is {pairing.status}, not proposed.")
    facts = cohort_facts(session, cohort_id)
    problem = pair_problem(
        facts, pairing.candidate_person_id, pairing.mentor_person_id, allow_repeat=True
    )
    if problem:
        return Change(pairing_id, refused=problem)
    if not locked(session, pairing_id, cohort_id, expected_version, status=ACTIVE, started_on=on):
        return Change(pairing_id, stale=True)
    session.refresh(pairing)
    record(session, pairing, "accepted", PROPOSED, actor_id=actor_id)
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
    pairing = get_pairing(session, cohort_id, pairing_id)
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
