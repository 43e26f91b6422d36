"""Keeping a cohort's report rows in step with its schedule (takes a session, never commits).

Rows are made when their period begins (in the cohort's time zone), so dashboards read rows
only. A pairing changed since (ended early, re-paired) moves the period of rows nobody has
submitted yet; a row nobody wrote anything in and that the schedule no longer asks for is
dropped. Anything a mentor wrote stays.

Pages call this on every view, so it reads first and writes only what differs: a view of a
schedule already in step issues no write at all (on SQLite, concurrent views then never queue
for the database's one write lock), and a change is at most three statements whatever the
cohort's size. Two views racing to make the same new month both succeed: the insert skips rows
another request made meanwhile, and moves and drops re-check the row's status as they write.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import Cohort
from ctom_lti.tools.reports.history import (
    due_day_of,
    pairing_spans,
    programme_calendar,
    withdrawn_candidates,
)
from ctom_lti.tools.reports.models import DRAFT, NOT_STARTED, RETURNED, ProgressReport
from ctom_lti.tools.reports.schedule import (
    Reconcile,
    Slot,
    StoredRow,
    local_today,
    opened,
    reconcile,
    schedule,
)

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

    Reads a fixed number of statements whatever the cohort's size, and writes nothing when the
    rows are in step (``changed`` is then False and the caller has nothing to commit).
    """
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        return ScheduleSync()
    slots, _ = cohort_slots(session, cohort, default_due_day=default_due_day, now=now)
    # Plain columns, not ORM objects: only what the comparison reads, nothing mentors wrote.
    table = ProgressReport.__table__
    rows = [
        StoredRow(*r)
        for r in session.execute(
            select(
                table.c.id,
                table.c.pairing_id,
                table.c.month,
                table.c.status,
                table.c.period_start,
                table.c.period_end,
                table.c.due_on,
                table.c.version,
            ).where(table.c.cohort_id == cohort_id)
        )
    ]
    plan = reconcile(slots, rows, movable=OPEN, droppable=NOT_STARTED)
    if plan:
        _write(session, cohort_id, plan)
    return ScheduleSync(len(plan.make), len(plan.move), len(plan.drop))


def _write(session: Session, cohort_id: int, plan: Reconcile) -> None:
    """One statement per kind of change (each executed once with every row's values)."""
    made_at = utcnow()
    statements = _statements(session.get_bind().dialect.name)
    if plan.make:
        session.execute(
            statements.make,
            [
                {
                    "cohort_id": cohort_id,
                    "pairing_id": s.pairing_id,
                    "mentor_person_id": s.mentor_id,
                    "candidate_person_id": s.candidate_id,
                    "month": s.month,
                    "period_start": s.period_start,
                    "period_end": s.period_end,
                    "due_on": s.due_on,
                    "status": NOT_STARTED,
                    "content": {},
                    "shared": [],
                    "version": 1,
                    "submissions": 0,
                    "review_comment": "",
                    "created_at": made_at,
                    "updated_at": made_at,
                }
                for s in plan.make
            ],
        )
    if plan.move:
        session.execute(
            statements.move,
            [
                {
                    "row_id": row_id,
                    "new_start": s.period_start,
                    "new_end": s.period_end,
                    "new_due": s.due_on,
                }
                for row_id, s in plan.move
            ],
        )
    if plan.drop:
        session.execute(statements.drop, {"row_ids": list(plan.drop)})
    _forget(session, {row_id for row_id, _ in plan.move}, set(plan.drop))


@dataclass(frozen=True)
class _Statements:
    make: Any
    move: Any
    drop: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    table = cast(Table, ProgressReport.__table__)
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    return _Statements(
        # A request that made the same month a moment ago wins; this one skips those rows.
        make=insert(table).on_conflict_do_nothing(index_elements=["pairing_id", "month"]),
        # The schedule moving a period is not an edit: the version (which guards what people
        # write) stays, so a mentor's open form still saves, and an untouched row stays
        # droppable. The status is checked again as the row is written: a report submitted
        # since keeps its period.
        move=update(table)
        # (``or_`` of equalities: an IN list cannot be sent with one set of values per row.)
        .where(table.c.id == bindparam("row_id"), or_(*(table.c.status == s for s in OPEN)))
        .values(
            period_start=bindparam("new_start"),
            period_end=bindparam("new_end"),
            due_on=bindparam("new_due"),
        ),
        # Only rows still untouched: a mentor who started writing meanwhile keeps the report.
        drop=delete(table).where(
            table.c.id.in_(bindparam("row_ids", expanding=True)),
            table.c.status == NOT_STARTED,
            table.c.version == 1,
        ),
    )


def _forget(session: Session, moved: set[int], dropped: set[int]) -> None:
    """Make the session's loaded reports (if any) read the rows as now written."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ProgressReport):
            if obj.id in dropped:
                session.expunge(obj)
            elif obj.id in moved:
                session.expire(obj)
