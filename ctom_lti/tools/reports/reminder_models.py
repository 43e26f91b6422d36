"""Reminders sent about a report: one row per report and reminder step, at most.

The ``remind`` job writes a row when it first tries a step; ``status`` says whether Canvas took
the message (``sent``), refused or failed it (``failed``: tried again on the next run), or a later
step made it moot (``skipped``: a mentor gets one message per run, the most pressing).

A row is ``sending`` from just before the message goes to Canvas until Canvas answers. One left
so (Canvas's answer was lost, or the job stopped mid-send) may or may not be in the mentor's
Inbox: the next run looks for it among the messages Canvas says were sent, by
``message_digest``, before sending anything again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow
from ctom_lti.tools.reports.models import ProgressReport

SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
SENDING = "sending"


class ReportReminder(Model):
    """One reminder step of one report (``progress_report``)."""

    __tablename__ = "progress_report_reminder"
    __table_args__ = (
        UniqueConstraint("report_id", "step"),
        Index("ix_progress_report_reminder_cohort_status", "cohort_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    #: The report's cohort, so a cohort's reminders are counted without reading its reports.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: ``before`` (3 days before the due day), ``due`` (on it), ``overdue`` (7 days after).
    step: Mapped[str] = mapped_column(String(16))
    #: ``sent``, ``failed``, ``skipped`` or ``sending``.
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    first_tried_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_tried_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: The Canvas conversation the message went out in (its Canvas id).
    conversation_id: Mapped[str | None] = mapped_column(String(64))
    #: Why the last attempt failed, in words an admin can act on.
    error: Mapped[str] = mapped_column(Text, default="")
    #: The last message tried (its subject and text, hashed), to find it in Canvas when
    #: Canvas's answer was lost.
    message_digest: Mapped[str | None] = mapped_column(String(64))


#: Counting a registration's reports by cohort and state reads this index alone (the staff
#: overview), not the report rows.
OVERVIEW_INDEX = Index(
    "ix_progress_report_cohort_status_due",
    ProgressReport.cohort_id,
    ProgressReport.status,
    ProgressReport.due_on,
)
