"""CSV exports of a cohort's reports, whole or one mentor's, written row by row as they are read.

Every text cell is guarded against spreadsheet formula injection: a value a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe, as OWASP's CSV-injection advice says, so a name typed as ``=HYPERLINK(...)`` stays
text when an instructor opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ctom_lti.models import Person
from ctom_lti.spreadsheets import spreadsheet_cell
from ctom_lti.tools.reports.dashboard import display_name
from ctom_lti.tools.reports.grid import STATE_LABELS, reminders_by_report, state_of
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.reminders import STEP_LABELS
from ctom_lti.tools.reports.rules import OVERALL_LABELS
from ctom_lti.tools.reports.schedule import month_key

HEADER = (
    "Candidate",
    "Candidate email",
    "Mentor",
    "Mentor email",
    "Month",
    "Period start",
    "Period end",
    "Due on",
    "State",
    "Overall",
    "Submitted at",
    "Times submitted",
    "Reviewed at",
    "Review comment",
    "Reminders sent",
)
#: Rows read from the database per round trip.
BATCH = 500


def filename(sis_course_id: str | None, cohort_id: int, mentor_name: str | None = None) -> str:
    base = "".join(
        c if c.isalnum() or c in "-_" else "-" for c in (sis_course_id or f"cohort-{cohort_id}")
    )
    if mentor_name:
        base += "-" + "".join(c if c.isalnum() else "-" for c in mentor_name).strip("-").lower()
    return f"{base}-reports.csv"


def rows(
    session: Session, cohort_id: int, today: date, *, mentor_id: int | None = None
) -> Iterator[tuple[str, ...]]:
    """The export's rows (header first), read in batches, candidate then month order."""
    mentor, candidate = aliased(Person), aliased(Person)
    where = [ProgressReport.cohort_id == cohort_id]
    if mentor_id is not None:
        where.append(ProgressReport.mentor_person_id == mentor_id)
    sent = reminders_by_report(session, cohort_id, mentor_id=mentor_id)
    yield HEADER
    result = session.execute(
        select(
            display_name(candidate),
            candidate.email,
            display_name(mentor),
            mentor.email,
            ProgressReport.month,
            ProgressReport.period_start,
            ProgressReport.period_end,
            ProgressReport.due_on,
            ProgressReport.status,
            ProgressReport.overall,
            ProgressReport.submitted_at,
            ProgressReport.submissions,
            ProgressReport.reviewed_at,
            ProgressReport.review_comment,
            ProgressReport.id,
        )
        .join(mentor, mentor.id == ProgressReport.mentor_person_id)
        .join(candidate, candidate.id == ProgressReport.candidate_person_id)
        .where(*where)
        .order_by(display_name(candidate), ProgressReport.candidate_person_id, ProgressReport.month)
        .execution_options(yield_per=BATCH)
    )
    for r in result:
        state = state_of(r[8], r[7], today)
        yield tuple(
            spreadsheet_cell(v)
            for v in (
                r[0],
                r[1],
                r[2],
                r[3],
                month_key(r[4]),
                r[5],
                r[6],
                r[7],
                STATE_LABELS.get(state, state),
                OVERALL_LABELS.get(r[9] or "", ""),
                r[10],
                r[11],
                r[12],
                r[13],
                "; ".join(STEP_LABELS.get(s, s) for s in sent.get(r[14], ())),
            )
        )


def stream(lines: Iterator[tuple[str, ...]]) -> Iterator[str]:
    """CSV text, one chunk per row (a BOM first, so spreadsheets read UTF-8 names right)."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow(line)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
