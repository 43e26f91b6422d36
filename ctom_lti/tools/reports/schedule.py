"""Which reports are due when: a pure function of the cohort's calendar and its pairing history.

One report per pairing per programme month in which the pairing was active. Programme months run
from the month of the term's first day to the month of its last. A pairing that starts or ends
within a month reports on its own days only, so a re-pair in mid-month gives that month two
reports, each mentor's for the time they mentored. A withdrawn candidate's schedule stops on the
day they withdrew. Reports are due on the cohort's due day of the following month, a date in the
cohort's time zone; they are overdue from the next day there.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: The day of the following month a report is due on, unless the cohort says otherwise.
DEFAULT_DUE_DAY = 5


@dataclass(frozen=True)
class ProgrammeCalendar:
    """What the schedule needs of a cohort's calendar."""

    first_day: date
    last_day: date
    time_zone: str
    due_day: int = DEFAULT_DUE_DAY

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("the programme ends before it starts")
        if not 1 <= self.due_day <= 31:
            raise ValueError("the due day is a day of the month, 1 to 31")


@dataclass(frozen=True)
class PairingSpan:
    """One pairing's history: who, and the days it was (or is) active."""

    pairing_id: int
    mentor_id: int
    candidate_id: int
    #: First day; None: from the start of the programme.
    started_on: date | None
    #: Last day; None: still active.
    ended_on: date | None


@dataclass(frozen=True)
class Slot:
    """One report the schedule asks for."""

    pairing_id: int
    mentor_id: int
    candidate_id: int
    #: First day of the programme month.
    month: date
    period_start: date
    period_end: date
    due_on: date

    @property
    def key(self) -> str:
        """The month as ``YYYY-MM`` (completion facts and grade columns use it)."""
        return month_key(self.month)


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: date) -> str:
    """``September 2026``."""
    return f"{calendar.month_name[month.month]} {month.year}"


def _first_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _last_of(month: date) -> date:
    return _next_month(month) - timedelta(days=1)


def programme_months(cal: ProgrammeCalendar) -> tuple[date, ...]:
    """First days of the months the programme runs in, first to last."""
    months = []
    month = _first_of(cal.first_day)
    while month <= cal.last_day:
        months.append(month)
        month = _next_month(month)
    return tuple(months)


def due_date(month: date, due_day: int = DEFAULT_DUE_DAY) -> date:
    """When the report on ``month`` is due: ``due_day`` of the month after (or its last day)."""
    following = _next_month(month)
    return following.replace(
        day=min(due_day, calendar.monthrange(following.year, following.month)[1])
    )


def schedule(
    cal: ProgrammeCalendar,
    spans: Iterable[PairingSpan],
    withdrawn: Mapping[int, date] | None = None,
) -> tuple[Slot, ...]:
    """Every report the programme asks for, by candidate, month and period.

    :param spans: the cohort's active and ended pairings (proposals are not pairings yet).
    :param withdrawn: candidate id -> the last day they were in the programme.
    """
    withdrawn = withdrawn or {}
    slots = []
    for span in spans:
        start = max(span.started_on or cal.first_day, cal.first_day)
        end = min(span.ended_on or cal.last_day, cal.last_day)
        left = withdrawn.get(span.candidate_id)
        if left is not None:
            end = min(end, left)
        month = _first_of(start)
        while month <= end:
            slots.append(
                Slot(
                    pairing_id=span.pairing_id,
                    mentor_id=span.mentor_id,
                    candidate_id=span.candidate_id,
                    month=month,
                    period_start=max(start, month),
                    period_end=min(end, _last_of(month)),
                    due_on=due_date(month, cal.due_day),
                )
            )
            month = _next_month(month)
    return tuple(sorted(slots, key=lambda s: (s.candidate_id, s.month, s.period_start)))


def local_today(time_zone: str, now: datetime) -> date:
    """The date it is in ``time_zone`` at the (aware) moment ``now``."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def opened(slots: Iterable[Slot], today: date) -> tuple[Slot, ...]:
    """The slots whose period has begun by ``today`` (a local date): the reports that exist."""
    return tuple(s for s in slots if s.period_start <= today)


def is_overdue(due_on: date, today: date) -> bool:
    """Past its due day (``today`` is the cohort's local date)."""
    return today > due_on


def days_until(due_on: date, today: date) -> int:
    """Days from ``today`` to the due day (negative once overdue)."""
    return (due_on - today).days


@dataclass(frozen=True)
class StoredRow:
    """What reconciling needs of a report row already made."""

    id: int
    pairing_id: int
    month: date
    status: str
    period_start: date
    period_end: date
    due_on: date
    version: int


@dataclass(frozen=True)
class Reconcile:
    """What it takes to bring the rows in step with the schedule (empty: they are)."""

    make: tuple[Slot, ...] = ()
    #: (row id, the slot whose period and due day it takes)
    move: tuple[tuple[int, Slot], ...] = ()
    drop: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.make or self.move or self.drop)


def reconcile(
    slots: Iterable[Slot], rows: Iterable[StoredRow], *, movable: Iterable[str], droppable: str
) -> Reconcile:
    """Rows to make (a slot without one), move (an open row whose period or due day changed) and
    drop (an untouched row the schedule no longer asks for); anything a mentor wrote stays.

    :param movable: statuses whose period may still move.
    :param droppable: the status of a row nobody has written in (and only at version 1).
    """
    stored = {(r.pairing_id, r.month): r for r in rows}
    open_statuses = frozenset(movable)
    make, move, wanted = [], [], set()
    for slot in slots:
        key = (slot.pairing_id, slot.month)
        wanted.add(key)
        row = stored.get(key)
        if row is None:
            make.append(slot)
        elif row.status in open_statuses and (row.period_start, row.period_end, row.due_on) != (
            slot.period_start,
            slot.period_end,
            slot.due_on,
        ):
            move.append((row.id, slot))
    drop = tuple(
        r.id
        for key, r in stored.items()
        if key not in wanted and r.status == droppable and r.version == 1
    )
    return Reconcile(tuple(make), tuple(move), drop)
