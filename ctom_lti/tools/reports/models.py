"""Monthly mentor progress reports: one row per pairing per programme month, and each cohort's
due rule.

A row is made when its month opens (see ``schedule.py`` for which rows exist); until the mentor
saves something it is ``not_started``. What the mentor wrote lives in ``content`` (JSON, because
meetings and principles repeat); which parts the candidate may read is ``shared``. ``version``
increases with every change, so two tabs (or a mentor and an instructor) cannot overwrite each
other silently.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow

#: Report statuses, in the order a report moves through them.
NOT_STARTED = "not_started"
DRAFT = "draft"
SUBMITTED = "submitted"
ACKNOWLEDGED = "acknowledged"
RETURNED = "returned"
STATUSES = (NOT_STARTED, DRAFT, SUBMITTED, ACKNOWLEDGED, RETURNED)


class ProgressReport(Model):
    """A mentor's report on one candidate for (part of) one programme month.

    A re-pair in mid-month gives the month two rows, one per pairing, each for the days that
    mentor mentored (``period_start`` to ``period_end``).
    """

    __tablename__ = "progress_report"
    __table_args__ = (
        UniqueConstraint("pairing_id", "month"),
        Index("ix_progress_report_cohort_month", "cohort_id", "month"),
        Index("ix_progress_report_mentor", "mentor_person_id", "month"),
        Index("ix_progress_report_candidate", "candidate_person_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: The pairing (table ``pairing``, kept by the pairing feature) the report belongs to.
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"))
    mentor_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: First day of the programme month the report is about.
    month: Mapped[date]
    #: The days of the month this mentor reports on (the whole month unless a pairing started,
    #: ended or the term began or ended within it).
    period_start: Mapped[date]
    period_end: Mapped[date]
    #: The day the report is due, in the cohort's time zone (overdue from the day after).
    due_on: Mapped[date]
    #: One of :data:`STATUSES`.
    status: Mapped[str] = mapped_column(String(16), default=NOT_STARTED)
    #: What the mentor wrote: meetings, communication, principles, assignments reviewed,
    #: strengths, concerns, next steps (see ``rules.ReportContent``).
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``on_track`` / ``needs_attention`` / ``at_risk``; a column so dashboards can filter on it.
    overall: Mapped[str | None] = mapped_column(String(24))
    #: Names of the parts the candidate may read once the report is submitted.
    shared: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who saved last and when (draft saves included).
    saved_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None]
    #: How many times it was submitted (a resubmission after a return counts again).
    submissions: Mapped[int] = mapped_column(default=0)
    reviewed_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    #: The instructor's comment when acknowledging or returning it.
    review_comment: Mapped[str] = mapped_column(Text, default="")

    # Every flush checks the version it loaded, so a change racing another fails, not overwrites.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<ProgressReport {self.id} pairing={self.pairing_id} {self.month} {self.status}>"


class ReportRule(Model):
    """A cohort's own due rule; cohorts without one use the ``REPORTS_DUE_DAY`` setting."""

    __tablename__ = "progress_report_rule"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    #: Reports are due on this day of the month after the one they are about (1-31; the month's
    #: last day when it is shorter).
    due_day: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
