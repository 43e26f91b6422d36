"""Recording a mentor's reminder steps as a run tries them (takes a session, never commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.tools.reports import reminders
from ctom_lti.tools.reports.reminder_models import FAILED, SENDING, SKIPPED, ReportReminder


def _rows_for(
    session: Session,
    report_ids: Sequence[int],
    decisions: dict[int, reminders.Decision],
    *,
    cohort_id: int,
    now: datetime,
) -> list[tuple[ReportReminder, tuple[ReportReminder, ...]]]:
    """Per report: the row of the step to send, and the rows of the steps it makes moot."""
    existing = {
        (r.report_id, r.step): r
        for r in session.scalars(
            select(ReportReminder).where(ReportReminder.report_id.in_(report_ids))
        )
    }

    def row(report_id: int, step: str) -> ReportReminder:
        found = existing.get((report_id, step))
        if found is None:
            found = ReportReminder(
                report_id=report_id,
                cohort_id=cohort_id,
                step=step,
                status=FAILED,
                attempts=0,
                first_tried_at=now,
                last_tried_at=now,
                error="",
            )
            session.add(found)
        return found

    found = []
    for report_id in report_ids:
        decision = decisions[report_id]
        assert decision.send is not None
        moot = tuple(row(report_id, step) for step in decision.skip)
        found.append((row(report_id, decision.send), moot))
    return found


def record_sending(
    session: Session,
    report_ids: Sequence[int],
    decisions: dict[int, reminders.Decision],
    *,
    cohort_id: int,
    now: datetime,
    digest: str,
) -> list[ReportReminder]:
    """Mark the message's steps ``sending`` (the ones it makes moot ``skipped``: whatever becomes
    of this send, a run only ever sends the latest step)."""
    sending = []
    for row, moot in _rows_for(session, report_ids, decisions, cohort_id=cohort_id, now=now):
        row.status, row.message_digest = SENDING, digest
        row.attempts += 1
        row.last_tried_at = now
        for skipped in moot:
            skipped.status, skipped.last_tried_at = SKIPPED, now
        sending.append(row)
    session.flush()
    return sending


def record_unsendable(
    session: Session,
    report_ids: Sequence[int],
    decisions: dict[int, reminders.Decision],
    *,
    cohort_id: int,
    now: datetime,
    error: str | None,
) -> None:
    """A message that could not even be tried: its steps failed (tried again next run)."""
    for row, _ in _rows_for(session, report_ids, decisions, cohort_id=cohort_id, now=now):
        row.attempts += 1
        row.last_tried_at = now
        row.status, row.error = FAILED, error or ""
