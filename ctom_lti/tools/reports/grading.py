"""The report's column in the Canvas gradebook: one per programme month, complete when the
month's report is submitted, incomplete when it is returned for revision. Scores go through the
grade outbox, in the transaction that records the decision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctom_lti.grades import ColumnSpec, enqueue_pass_fail
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.schedule import month_key, month_label


def report_column(report: ProgressReport) -> ColumnSpec:
    """The month's column: ``ctom-report-YYYY-MM``, "Mentor report, September 2026" (an en dash)."""
    return ColumnSpec(
        tag=f"ctom-report-{month_key(report.month)}",
        label=f"Mentor report \N{EN DASH} {month_label(report.month)}",
    )


def enqueue_report_score(session: Session, report: ProgressReport, *, passed: bool) -> None:
    """Put the candidate's score for the report's month into the grade outbox (not committed)."""
    enqueue_pass_fail(
        session,
        cohort_id=report.cohort_id,
        column=report_column(report),
        person_id=report.candidate_person_id,
        passed=passed,
        source=f"report:{month_key(report.month)}",
    )
