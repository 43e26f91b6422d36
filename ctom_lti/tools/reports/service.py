"""Keeping a cohort's report rows in step with its schedule (takes a session, never commits).

Rows are made when their period begins (in the cohort's time zone), so dashboards read rows
only. A pairing changed since (ended early, re-paired) moves the period of rows nobody has
submitted yet; a row nobody wrote anything in and that the schedule no longer asks for is
dropped. Anything a mentor wrote stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from ctom_lti.models import Cohort
from ctom_lti.tools.reports.history import (
    due_day_of,
    pairing_spans,
    programme_calendar,
    withdrawn_candidates,
)
from ctom_lti.tools.reports.models import DRAFT, NOT_STARTED, RETURNED, ProgressReport
from ctom_lti.tools.reports.schedule import Slot, local_today, opened, schedule

#: Statuses whose period may still move when the pairing history changes.
OPEN = (NOT_STARTED, DRAFT, RETURNED)


@dataclass(frozen=True)
class ScheduleSync:
    """What :func:`sync_schedule` changed."""

    made: int = 0
    moved: int = 0
    dropped: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.made or self.moved or self.dropped)


def cohort_slots(
    session: Session, cohort: Cohort, *, default_due_day: int, now: datetime
) -> tuple[tuple[Slot, ...], str | None]:
    """The cohort's scheduled reports whose period has begun, and its time zone (None: the
    cohort has no calendar yet, so nothing is scheduled)."""
    cal = programme_calendar(cohort, due_day_of(session, cohort.id, default_due_day))
    if cal is None:
        return (), None
    spans = pairing_spans(session, cohort.id)
    withdrawn = withdrawn_candidates(session, cohort.id, spans)
    today = local_today(cal.time_zone, now)
    return opened(schedule(cal, spans, withdrawn), today), cal.time_zone


def cohort_today(cohort: Cohort, now: datetime) -> date:
    """The date it is where the cohort meets (UTC until it has a calendar)."""
    return local_today(cohort.time_zone or "UTC", now)


def sync_schedule(
    session: Session, cohort_id: int, *, default_due_day: int, now: datetime
) -> ScheduleSync:
    """Make the rows the schedule asks for by ``now``; move or drop the ones it no longer does.

    A fixed number of statements whatever the cohort's size.
    """
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        return ScheduleSync()
    slots, _ = cohort_slots(session, cohort, default_due_day=default_due_day, now=now)
    rows = {
        (r.pairing_id, r.month): r
        for r in session.scalars(
            select(ProgressReport)
            .where(ProgressReport.cohort_id == cohort_id)
            # Only what the comparison reads: not what mentors wrote (JSON parsed per row).
            .options(
                load_only(
                    ProgressReport.pairing_id,
                    ProgressReport.month,
                    ProgressReport.status,
                    ProgressReport.period_start,
                    ProgressReport.period_end,
                    ProgressReport.due_on,
                    ProgressReport.version,
                )
            )
        )
    }
    made = moved = 0
    wanted = set()
    for slot in slots:
        wanted.add((slot.pairing_id, slot.month))
        row = rows.get((slot.pairing_id, slot.month))
        if row is None:
            session.add(
                ProgressReport(
                    cohort_id=cohort_id,
                    pairing_id=slot.pairing_id,
                    mentor_person_id=slot.mentor_id,
                    candidate_person_id=slot.candidate_id,
                    month=slot.month,
                    period_start=slot.period_start,
                    period_end=slot.period_end,
                    due_on=slot.due_on,
                    status=NOT_STARTED,
                    content={},
                    shared=[],
                )
            )
            made += 1
        elif row.status in OPEN and (row.period_start, row.period_end, row.due_on) != (
            slot.period_start,
            slot.period_end,
            slot.due_on,
        ):
            row.period_start, row.period_end = slot.period_start, slot.period_end
            row.due_on = slot.due_on
            moved += 1
    stale = [
        r
        for key, r in rows.items()
        if key not in wanted and r.status == NOT_STARTED and r.version == 1
    ]
    for row in stale:
        session.delete(row)
    session.flush()
    return ScheduleSync(made, moved, len(stale))
