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
