"""What the report lists show: a mentor's mentees by month, a candidate's shared reports and the
reports waiting for an instructor (reads only, a fixed number of queries each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from ctom_lti.models import Person
from ctom_lti.tools.reports.models import (
    ACKNOWLEDGED,
    DRAFT,
    NOT_STARTED,
    RETURNED,
    SUBMITTED,
    ProgressReport,
)
from ctom_lti.tools.reports.schedule import is_overdue

#: Statuses in which the mentor still owes the report.
OWED = (NOT_STARTED, DRAFT, RETURNED)
DONE = (SUBMITTED, ACKNOWLEDGED)

STATUS_LABELS = {
    NOT_STARTED: "Not started",
    DRAFT: "Draft",
    SUBMITTED: "Submitted",
    ACKNOWLEDGED: "Acknowledged",
    RETURNED: "Returned for revision",
}


@dataclass(frozen=True)
class ReportLine:
    """One report in a list."""

    id: int
    month: date
    period_start: date
    period_end: date
    due_on: date
    status: str
    mentor_name: str
    candidate_name: str
    overall: str | None
    version: int
    overdue: bool

    @property
    def status_label(self) -> str:
        return "Overdue" if self.overdue else STATUS_LABELS.get(self.status, self.status)


def display_name(person: type[Person] | Person) -> ColumnElement[str]:
    return func.coalesce(person.name, person.email, "Someone")


def _lines(session: Session, *where: ColumnElement[bool], today: date) -> list[ReportLine]:
    mentor, candidate = aliased(Person), aliased(Person)
    rows = session.execute(
        select(ProgressReport, display_name(mentor), display_name(candidate))
        .join(mentor, mentor.id == ProgressReport.mentor_person_id)
        .join(candidate, candidate.id == ProgressReport.candidate_person_id)
        .where(*where)
    ).all()
    return [
        ReportLine(
            r.id,
            r.month,
            r.period_start,
            r.period_end,
            r.due_on,
            r.status,
            str(m),
            str(c),
            r.overall,
            r.version,
            r.status in OWED and is_overdue(r.due_on, today),
        )
        for r, m, c in rows
    ]


def mentor_dashboard(
    session: Session, cohort_id: int, mentor_id: int, today: date
) -> list[ReportLine]:
    """A mentor's reports: overdue first, then what is still owed by due date, then the rest
    newest first."""
    lines = _lines(
        session,
        ProgressReport.cohort_id == cohort_id,
        ProgressReport.mentor_person_id == mentor_id,
        today=today,
    )
    return sorted(lines, key=_mentor_order)


def _mentor_order(line: ReportLine) -> tuple[int, int, str]:
    if line.overdue:
        group = 0
    elif line.status in OWED:
        group = 1
    else:
        group = 2
    ordinal = line.due_on.toordinal()
    return (group, ordinal if group < 2 else -ordinal, line.candidate_name)


def candidate_reports(session: Session, cohort_id: int, candidate_id: int) -> list[ReportLine]:
    """A candidate's submitted reports (the ones they may read parts of), newest first."""
    lines = _lines(
        session,
        ProgressReport.cohort_id == cohort_id,
        ProgressReport.candidate_person_id == candidate_id,
        ProgressReport.status.in_(DONE),
        today=date.min,
    )
    return sorted(lines, key=lambda line: (line.month, line.period_start), reverse=True)


def waiting_for_review(session: Session, cohort_id: int) -> list[ReportLine]:
    """Submitted reports no instructor has acknowledged or returned yet, oldest first."""
    lines = _lines(
        session,
        ProgressReport.cohort_id == cohort_id,
        ProgressReport.status == SUBMITTED,
        today=date.min,
    )
    return sorted(lines, key=lambda line: (line.month, line.mentor_name, line.candidate_name))


def counts(lines: Sequence[ReportLine]) -> dict[str, int]:
    """How many lines are overdue, owed and done."""
    return {
        "overdue": sum(line.overdue for line in lines),
        "owed": sum(line.status in OWED for line in lines),
        "done": sum(line.status in DONE for line in lines),
    }
