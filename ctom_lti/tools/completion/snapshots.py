"""Freezing a cohort's decision "as of" a day, and verifying a frozen one later.

A snapshot stores the inputs as canonical JSON with their SHA-256, and the results. Verifying
recomputes the hash of the stored text and re-derives the results from it with today's rules, so
anyone can see the decision shown is the one those inputs give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.errors import NotFound
from ctom_lti.models import AuditEvent
from ctom_lti.tools.completion.canonical import (
    canonical_text,
    evidence_from,
    evidence_json,
    results_json,
    sha256_of,
)
from ctom_lti.tools.completion.models import CompletionSnapshot
from ctom_lti.tools.completion.rules import evaluate
from ctom_lti.tools.completion.service import CohortCheck


class SnapshotNotFound(NotFound):
    title = "No such snapshot"


@dataclass(frozen=True)
class Verification:
    snapshot: CompletionSnapshot
    stored_hash: str
    computed_hash: str
    #: the stored results are what the stored inputs give
    results_match: bool

    @property
    def hash_matches(self) -> bool:
        return self.stored_hash == self.computed_hash

    @property
    def ok(self) -> bool:
        return self.hash_matches and self.results_match


def freeze(
    session: Session, check: CohortCheck, *, actor_id: int | None, actor_name: str, note: str = ""
) -> CompletionSnapshot:
    """Store the check's inputs (canonical JSON + SHA-256) and results; audited."""
    text = canonical_text(evidence_json(check.evidence))
    results = results_json(check.results)
    row = CompletionSnapshot(
        cohort_id=check.cohort.id,
        as_of=check.evidence.today,
        inputs=text,
        inputs_sha256=sha256_of(text),
        results=results,
        completed=sum(1 for r in check.results if r.passed),
        candidates=len(check.results),
        by_person_id=actor_id,
        by_name=actor_name,
        note=note,
    )
    session.add(row)
    session.flush()
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action="completion.freeze",
            subject=f"cohort:{check.cohort.id}",
            detail={
                "snapshot": row.id,
                "as_of": row.as_of.isoformat(),
                "sha256": row.inputs_sha256,
            },
        )
    )
    return row


def snapshots(session: Session, cohort_id: int) -> list[CompletionSnapshot]:
    """The cohort's snapshots, newest first."""
    return list(
        session.scalars(
            select(CompletionSnapshot)
            .where(CompletionSnapshot.cohort_id == cohort_id)
            .order_by(CompletionSnapshot.created_at.desc(), CompletionSnapshot.id.desc())
        )
    )


def snapshot(session: Session, cohort_id: int, snapshot_id: int) -> CompletionSnapshot:
    row = session.get(CompletionSnapshot, snapshot_id)
    if row is None or row.cohort_id != cohort_id:
        raise SnapshotNotFound(f"This cohort has no snapshot #{snapshot_id}.")
    return row


def verify(session: Session, cohort_id: int, snapshot_id: int) -> Verification:
    """Recompute the stored inputs' hash and the results they give."""
    row = snapshot(session, cohort_id, snapshot_id)
    computed = sha256_of(row.inputs)
    data: Any = json.loads(row.inputs)
    again = results_json(evaluate(evidence_from(data)))
    return Verification(row, row.inputs_sha256, computed, again == row.results)
