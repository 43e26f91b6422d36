"""What every change to a pairing shares: its outcome (``Change``), the version-checked write that
stops two admins overwriting each other, the record in the pairing's history and the audit log,
and the check of a pair against the rules and the mentor's capacity.

Functions take the session and never commit: the view or command does, once the outcome says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import AuditEvent
from ctom_lti.tools.pairing.facts import CohortFacts
from ctom_lti.tools.pairing.models import Pairing, PairingEvent
from ctom_lti.tools.pairing.rules import ScoreBreakdown, hard_constraint_violation


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


def record(
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


def locked(
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


def get_pairing(session: Session, cohort_id: int, pairing_id: int) -> Pairing | None:
    pairing = session.get(Pairing, pairing_id, populate_existing=True)
    if pairing is None or pairing.cohort_id != cohort_id:
        return None
    return pairing


def pair_problem(
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
