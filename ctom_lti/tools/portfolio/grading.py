"""The "Professional portfolio" gradebook column: complete once every principle is signed off,
incomplete again when one is reopened."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.curriculum import load_curriculum
from ctom_lti.grades import ColumnSpec, enqueue_pass_fail
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import AuditEvent
from ctom_lti.tools.portfolio.models import Reflection
from ctom_lti.tools.portfolio.rules import all_signed_off, grade_change

COLUMN = ColumnSpec(tag="ctom-portfolio", label="Professional portfolio")
COLUMN_TAG = COLUMN.tag


def statuses(session: Session, cohort_id: int, candidate_id: int) -> dict[str, str]:
    rows = session.execute(
        select(Reflection.principle_key, Reflection.status).where(
            Reflection.cohort_id == cohort_id, Reflection.candidate_person_id == candidate_id
        )
    )
    return {key: status for key, status in rows.all()}  # noqa: C416


def is_complete(session: Session, cohort_id: int, candidate_id: int) -> bool:
    keys = (p.key for p in load_curriculum().principles)
    return all_signed_off(keys, statuses(session, cohort_id, candidate_id))


def record_change(
    session: Session, launch: SessionLaunch, candidate_id: int, complete_before: bool
) -> bool | None:
    """After a sign-off or reopening: tell the gradebook if the portfolio became complete or
    stopped being so, in the same transaction as the change. Returns what was posted."""
    passed = grade_change(complete_before, is_complete(session, launch.cohort_id, candidate_id))
    if passed is None:
        return None
    session.add(
        AuditEvent(
            actor_person_id=launch.person_id,
            action="portfolio.complete" if passed else "portfolio.incomplete",
            subject=f"person:{candidate_id}",
            detail={"cohort_id": launch.cohort_id, "column": COLUMN_TAG},
        )
    )
    _enqueue(session, launch.cohort_id, candidate_id, passed)
    return passed


def _enqueue(session: Session, cohort_id: int, candidate_id: int, passed: bool) -> None:
    """Queue the score in the grade outbox (posted to Canvas after the commit, or by its
    worker)."""
    enqueue_pass_fail(
        session,
        cohort_id=cohort_id,
        column=COLUMN,
        person_id=candidate_id,
        passed=passed,
        source="portfolio: all principles signed off" if passed else "portfolio: reopened",
    )
