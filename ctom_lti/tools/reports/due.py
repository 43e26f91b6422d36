"""What is due or overdue in a cohort: the reports mentors still owe whose due day is near or past
(reads only, two statements)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ctom_lti.models import Person
from ctom_lti.tools.reports.dashboard import OWED, display_name
from ctom_lti.tools.reports.grid import reminders_by_report
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.schedule import days_until, is_overdue, month_key

#: Reports due within this many days count as coming due.
HORIZON_DAYS = 7


@dataclass(frozen=True)
class DueLine:
    report_id: int
    candidate_name: str
    candidate_email: str | None
    mentor_name: str
    mentor_email: str | None
    month: date
    due_on: date
    status: str
    overdue: bool
    #: days until the due day (negative once overdue)
    days: int
    reminders: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "candidate": self.candidate_name,
            "candidate_email": self.candidate_email,
            "mentor": self.mentor_name,
            "mentor_email": self.mentor_email,
            "month": month_key(self.month),
            "due_on": self.due_on.isoformat(),
            "status": self.status,
            "overdue": self.overdue,
            "days_until_due": self.days,
            "reminders_sent": list(self.reminders),
        }


def due_reports(
    session: Session, cohort_id: int, today: date, *, horizon_days: int = HORIZON_DAYS
) -> list[DueLine]:
    """Owed reports due by ``today + horizon_days``: overdue first (longest late first), then by
    due day, mentor and candidate."""
    mentor, candidate = aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            ProgressReport.id,
            display_name(candidate),
            candidate.email,
            display_name(mentor),
            mentor.email,
            ProgressReport.month,
            ProgressReport.due_on,
            ProgressReport.status,
        )
        .join(mentor, mentor.id == ProgressReport.mentor_person_id)
        .join(candidate, candidate.id == ProgressReport.candidate_person_id)
        .where(
            ProgressReport.cohort_id == cohort_id,
            ProgressReport.status.in_(OWED),
            ProgressReport.due_on <= today + timedelta(days=horizon_days),
        )
    ).all()
    sent = reminders_by_report(session, cohort_id) if rows else {}
    lines = [
        DueLine(
            r[0],
            str(r[1]),
            r[2],
            str(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            is_overdue(r[6], today),
            days_until(r[6], today),
            sent.get(r[0], ()),
        )
        for r in rows
    ]
    return sorted(lines, key=lambda x: (x.due_on, x.mentor_name, x.candidate_name))
