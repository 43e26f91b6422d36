"""The "Programme completion" pass/fail column in the Canvas gradebook, through the grade outbox.

A score is queued only when the decision changes from the last one queued: a pass once a
candidate completes; a fail when a pass no longer holds, or once the term is over without
completion. While evidence is still to come (or the gradebook could not be read) nothing is
posted, so a candidate half-way through does not see a fail.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.grades import ColumnSpec, GradePost, enqueue_pass_fail
from ctom_lti.tools.completion.results import CandidateResult, Overall
from ctom_lti.tools.completion.service import CohortCheck

COLUMN = ColumnSpec("ctom-completion", "Programme completion")


def decision(result: CandidateResult, *, term_over: bool, last: bool | None) -> bool | None:
    """The score to queue (True pass, False fail), or None to queue nothing (pure)."""
    if result.overall is Overall.WITHDRAWN:
        return None
    passed = result.overall is Overall.COMPLETE
    if last is None and not passed and not term_over:
        return None
    return None if passed == last else passed


def _last_queued(session: Session, cohort_id: int) -> Mapping[int, bool]:
    rows = session.execute(
        select(GradePost.person_id, GradePost.passed)
        .where(GradePost.cohort_id == cohort_id, GradePost.column_tag == COLUMN.tag)
        .order_by(GradePost.id)
    )
    last: dict[int, bool] = {}
    for person_id, passed in rows:
        last[person_id] = passed  # ordered by id: the latest decision wins
    return last


def queue_changes(session: Session, check: CohortCheck) -> int:
    """Queue a score for each candidate whose decision changed; how many were queued."""
    evidence = check.evidence
    if evidence.gradebook_problem is not None:
        return 0
    term_over = evidence.term_end is not None and evidence.today > evidence.term_end
    last = _last_queued(session, check.cohort.id)
    queued = 0
    for result in check.results:
        score = decision(result, term_over=term_over, last=last.get(result.person_id))
        if score is None:
            continue
        enqueue_pass_fail(
            session,
            cohort_id=check.cohort.id,
            column=COLUMN,
            person_id=result.person_id,
            passed=score,
            source=f"completion as of {evidence.today.isoformat()}",
        )
        queued += 1
    return queued
