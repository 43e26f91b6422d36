"""The staff views of reports: a cohort's candidates-by-months grid, and an admin's overview of
every cohort of the registration (reads only; a fixed number of statements whatever the size).

A cell's state is the report's status, or ``overdue`` when the mentor still owes it after its due
day (the cohort's local date). A re-pair in mid-month gives a cell two reports, one per mentor.
Reminder steps sent for each report are shown beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ctom_lti.models import Cohort, Person
from ctom_lti.tools.reports.dashboard import OWED, STATUS_LABELS, display_name
from ctom_lti.tools.reports.models import STATUSES, ProgressReport
from ctom_lti.tools.reports.reminder_models import SENT, ReportReminder
from ctom_lti.tools.reports.schedule import is_overdue, local_today

OVERDUE = "overdue"
#: Every state a cell can show, in the order the legend and the filter list them.
STATES = (*STATUSES, OVERDUE)
STATE_LABELS = {**STATUS_LABELS, OVERDUE: "Overdue"}


def state_of(status: str, due_on: date, today: date) -> str:
    """What a cell shows: ``overdue`` when still owed after the due day, else the status."""
    return OVERDUE if status in OWED and is_overdue(due_on, today) else status


@dataclass(frozen=True)
class Cell:
    report_id: int
    mentor_id: int
    mentor_name: str
    state: str
    due_on: date
    period_start: date
    period_end: date
    #: reminder steps sent, in order (``before``, ``due``, ``overdue``)
    reminders: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass
class GridRow:
    candidate_id: int
    candidate_name: str
    mentor_names: list[str] = field(default_factory=list)
    cells: dict[date, list[Cell]] = field(default_factory=dict)


@dataclass(frozen=True)
class Grid:
    today: date
    months: tuple[date, ...]
    rows: tuple[GridRow, ...]
    #: (id, name) of every mentor with reports in the cohort, for the filter
    mentors: tuple[tuple[int, str], ...]
    #: how many reports are in each state (after the filters)
    totals: dict[str, int]


def cohort_today(cohort: Cohort, now: datetime) -> date:
    return local_today(cohort.time_zone or "UTC", now)


def reminders_by_report(
    session: Session, cohort_id: int, *, mentor_id: int | None = None
) -> dict[int, tuple[str, ...]]:
    """The reminder steps sent for each report of the cohort (one mentor's when given)."""
    order = {"before": 0, "due": 1, "overdue": 2}
    found: dict[int, list[str]] = defaultdict(list)
    query = select(ReportReminder.report_id, ReportReminder.step).where(
        ReportReminder.cohort_id == cohort_id, ReportReminder.status == SENT
    )
    if mentor_id is not None:
        query = query.join(ProgressReport, ProgressReport.id == ReportReminder.report_id).where(
            ProgressReport.mentor_person_id == mentor_id
        )
    for report_id, step in session.execute(query):
        found[report_id].append(step)
    return {k: tuple(sorted(v, key=lambda s: order.get(s, 9))) for k, v in found.items()}


def cohort_grid(
    session: Session,
    cohort_id: int,
    today: date,
    *,
    mentor_id: int | None = None,
    state: str | None = None,
) -> Grid:
    """The cohort's grid, filtered by mentor and by state (two statements)."""
    mentor, candidate = aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            ProgressReport.id,
            ProgressReport.candidate_person_id,
            display_name(candidate),
            ProgressReport.mentor_person_id,
            display_name(mentor),
            ProgressReport.month,
            ProgressReport.status,
            ProgressReport.due_on,
            ProgressReport.period_start,
            ProgressReport.period_end,
        )
        .join(mentor, mentor.id == ProgressReport.mentor_person_id)
        .join(candidate, candidate.id == ProgressReport.candidate_person_id)
        .where(ProgressReport.cohort_id == cohort_id)
    ).all()
    sent = reminders_by_report(session, cohort_id)
    mentors = sorted({(r[3], str(r[4])) for r in rows}, key=lambda m: (m[1].casefold(), m[0]))
    months = tuple(sorted({r[5] for r in rows}))
    by_candidate: dict[int, GridRow] = {}
    totals = dict.fromkeys(STATES, 0)
    for r in rows:
        cell_state = state_of(r[6], r[7], today)
        if (mentor_id is not None and r[3] != mentor_id) or (state and cell_state != state):
            continue
        row = by_candidate.setdefault(r[1], GridRow(r[1], str(r[2])))
        if str(r[4]) not in row.mentor_names:
            row.mentor_names.append(str(r[4]))
        cell = Cell(r[0], r[3], str(r[4]), cell_state, r[7], r[8], r[9], sent.get(r[0], ()))
        row.cells.setdefault(r[5], []).append(cell)
        totals[cell_state] += 1
    for row in by_candidate.values():
        for cells in row.cells.values():
            cells.sort(key=lambda c: c.period_start)
    ordered = sorted(
        by_candidate.values(), key=lambda g: (g.candidate_name.casefold(), g.candidate_id)
    )
    return Grid(today, months, tuple(ordered), tuple(mentors), totals)


@dataclass(frozen=True)
class CohortSummary:
    cohort_id: int
    title: str
    sis_course_id: str | None
    today: date
    #: reports in each state
    counts: dict[str, int]
    #: reminder messages sent (report steps)
    reminders_sent: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def overview(session: Session, platform_id: int, now: datetime) -> list[CohortSummary]:
    """Every cohort of the registration with its reports counted by state (three statements)."""
    cohorts = session.execute(
        select(Cohort.id, Cohort.title, Cohort.sis_course_id, Cohort.time_zone)
        .where(Cohort.platform_id == platform_id)
        .order_by(Cohort.title, Cohort.id)
    ).all()
    ids = [c[0] for c in cohorts]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    todays = {c[0]: local_today(c[3] or "UTC", now) for c in cohorts}
    # A cohort's local date is UTC's, the day before or the day after: a report still owed is
    # overdue when due before it, so each group counts the reports due before each of the three
    # (one pass over the (cohort, status, due_on) index, a row per cohort and status).
    utc_today = now.astimezone(UTC).date()
    before = [
        func.count().filter(ProgressReport.due_on < utc_today + timedelta(days=k))
        for k in (-1, 0, 1)
    ]
    for cohort_id, status, total, *due_before in session.execute(
        select(ProgressReport.cohort_id, ProgressReport.status, func.count(), *before)
        .where(ProgressReport.cohort_id.in_(ids))
        .group_by(ProgressReport.cohort_id, ProgressReport.status)
    ):
        late = 0
        if status in OWED:
            late = int(due_before[(todays[cohort_id] - utc_today).days + 1])
        counts[cohort_id][status] += int(total) - late
        counts[cohort_id][OVERDUE] += late
    reminded = dict(
        session.execute(
            select(ReportReminder.cohort_id, func.count())
            .where(ReportReminder.cohort_id.in_(ids), ReportReminder.status == SENT)
            .group_by(ReportReminder.cohort_id)
        ).all()
    )
    return [
        CohortSummary(c[0], c[1], c[2], todays[c[0]], counts[c[0]], int(reminded.get(c[0], 0)))
        for c in cohorts
    ]


def overview_totals(summaries: Sequence[CohortSummary]) -> dict[str, int]:
    totals = dict.fromkeys(STATES, 0)
    for s in summaries:
        for k, v in s.counts.items():
            totals[k] += v
    return totals
