"""The report schedule: one report per pairing per programme month, split at re-pairs, stopped
by a withdrawal, due on the cohort's day of the following month in its time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ctom_lti.tools.reports.schedule import (
    PairingSpan,
    ProgrammeCalendar,
    Slot,
    days_until,
    due_date,
    is_overdue,
    local_today,
    month_key,
    month_label,
    opened,
    programme_months,
    schedule,
)

# The term starts mid-month and ends mid-month, as real cohorts' terms do.
CAL = ProgrammeCalendar(date(2026, 9, 12), date(2027, 5, 22), "America/Los_Angeles")
MENTOR, OTHER_MENTOR, CANDIDATE, SECOND = 1, 2, 10, 11


def _span(
    pairing: int, mentor: int, candidate: int, start: date | None, end: date | None = None
) -> PairingSpan:
    return PairingSpan(pairing, mentor, candidate, start, end)


def test_programme_months_run_from_the_terms_first_month_to_its_last() -> None:
    months = programme_months(CAL)
    assert months[0] == date(2026, 9, 1)
    assert months[-1] == date(2027, 5, 1)
    assert len(months) == 9


def test_one_report_per_month_for_a_pairing_through_the_whole_term() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, date(2026, 9, 1))])
    assert [s.key for s in slots] == [
        "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04",
        "2027-05",
    ]  # fmt: skip
    assert {s.pairing_id for s in slots} == {7}


def test_first_and_last_months_cover_only_the_term() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, None)])
    first, last = slots[0], slots[-1]
    assert (first.period_start, first.period_end) == (date(2026, 9, 12), date(2026, 9, 30))
    assert first.due_on == date(2026, 10, 5)
    assert (last.period_start, last.period_end) == (date(2027, 5, 1), date(2027, 5, 22))
    assert last.due_on == date(2027, 6, 5)
    # A month in between is whole.
    assert (slots[1].period_start, slots[1].period_end) == (date(2026, 10, 1), date(2026, 10, 31))


def test_a_pairing_made_mid_term_starts_its_reports_in_its_first_month() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, date(2026, 11, 17))])
    assert slots[0].month == date(2026, 11, 1)
    assert slots[0].period_start == date(2026, 11, 17)


def test_a_re_pair_mid_month_splits_the_month_between_the_mentors() -> None:
    spans = [
        _span(7, MENTOR, CANDIDATE, date(2026, 9, 12), date(2026, 10, 14)),
        _span(8, OTHER_MENTOR, CANDIDATE, date(2026, 10, 14)),
    ]
    october = [s for s in schedule(CAL, spans) if s.key == "2026-10"]
    assert [(s.mentor_id, s.period_start, s.period_end) for s in october] == [
        (MENTOR, date(2026, 10, 1), date(2026, 10, 14)),
        (OTHER_MENTOR, date(2026, 10, 14), date(2026, 10, 31)),
    ]
    assert {s.due_on for s in october} == {date(2026, 11, 5)}
    # Before the re-pair only the first mentor reports, after it only the second.
    mentors_by_month: dict[str, set[int]] = {}
    for s in schedule(CAL, spans):
        mentors_by_month.setdefault(s.key, set()).add(s.mentor_id)
    assert mentors_by_month["2026-09"] == {MENTOR}
    assert mentors_by_month["2026-11"] == {OTHER_MENTOR}


def test_a_pairing_ended_on_the_last_day_of_a_month_reports_no_further() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, None, date(2026, 10, 31))])
    assert [s.key for s in slots] == ["2026-09", "2026-10"]


def test_a_withdrawn_candidate_stops_the_schedule() -> None:
    spans = [_span(7, MENTOR, CANDIDATE, None), _span(9, MENTOR, SECOND, None)]
    slots = schedule(CAL, spans, withdrawn={CANDIDATE: date(2026, 11, 20)})
    theirs = [s for s in slots if s.candidate_id == CANDIDATE]
    assert [s.key for s in theirs] == ["2026-09", "2026-10", "2026-11"]
    assert theirs[-1].period_end == date(2026, 11, 20)
    # The other mentee carries on to the end of the term.
    assert len([s for s in slots if s.candidate_id == SECOND]) == 9


def test_a_candidate_withdrawn_before_the_term_has_no_reports() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, None)], withdrawn={CANDIDATE: date.min})
    assert slots == ()


def test_pairings_outside_the_term_have_no_reports() -> None:
    spans = [
        _span(1, MENTOR, CANDIDATE, date(2026, 1, 1), date(2026, 8, 31)),
        _span(2, MENTOR, SECOND, date(2027, 6, 1)),
    ]
    assert schedule(CAL, spans) == ()


@pytest.mark.parametrize(
    ("month", "due_day", "expected"),
    [
        (date(2026, 9, 1), 5, date(2026, 10, 5)),
        (date(2026, 12, 1), 5, date(2027, 1, 5)),  # across the year
        (date(2027, 1, 1), 31, date(2027, 2, 28)),  # a short month's last day
        (date(2027, 3, 1), 1, date(2027, 4, 1)),
    ],
)
def test_due_on_the_cohorts_day_of_the_following_month(
    month: date, due_day: int, expected: date
) -> None:
    assert due_date(month, due_day) == expected


def test_the_cohorts_due_day_applies_to_every_slot() -> None:
    cal = ProgrammeCalendar(CAL.first_day, CAL.last_day, CAL.time_zone, due_day=15)
    slots = schedule(cal, [_span(7, MENTOR, CANDIDATE, None)])
    assert {s.due_on.day for s in slots} == {15}


def test_a_calendar_must_make_sense() -> None:
    with pytest.raises(ValueError, match="ends before"):
        ProgrammeCalendar(date(2027, 1, 1), date(2026, 1, 1), "UTC")
    with pytest.raises(ValueError, match="due day"):
        ProgrammeCalendar(date(2026, 1, 1), date(2027, 1, 1), "UTC", due_day=0)


def test_todays_date_is_the_cohorts_local_date() -> None:
    # 03:00 UTC on 1 October is still 30 September in California, and already 1 October in
    # Berlin.
    moment = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    assert local_today("America/Los_Angeles", moment) == date(2026, 9, 30)
    assert local_today("Europe/Berlin", moment) == date(2026, 10, 1)


def test_a_month_opens_and_a_report_falls_overdue_by_the_cohorts_clock() -> None:
    slots = schedule(CAL, [_span(7, MENTOR, CANDIDATE, None)])
    zone = CAL.time_zone
    # Late on 30 September in California (already 1 October in UTC): October has not begun.
    evening = datetime(2026, 10, 1, 6, 30, tzinfo=UTC)
    assert [s.key for s in opened(slots, local_today(zone, evening))] == ["2026-09"]
    # The September report is due 5 October; at 11 pm that day in California (06:00 UTC on the
    # 6th) it is not yet overdue; an hour after midnight there it is.
    september = slots[0]
    assert not is_overdue(
        september.due_on, local_today(zone, datetime(2026, 10, 6, 6, 0, tzinfo=UTC))
    )
    assert is_overdue(september.due_on, local_today(zone, datetime(2026, 10, 6, 8, 0, tzinfo=UTC)))
    assert days_until(september.due_on, date(2026, 10, 2)) == 3


def test_only_slots_whose_period_has_begun_are_open() -> None:
    spans = [
        _span(7, MENTOR, CANDIDATE, date(2026, 9, 12), date(2026, 10, 20)),
        _span(8, OTHER_MENTOR, CANDIDATE, date(2026, 10, 20)),
    ]
    open_now = opened(schedule(CAL, spans), date(2026, 10, 19))
    assert [(s.pairing_id, s.key) for s in open_now] == [(7, "2026-09"), (7, "2026-10")]


def test_month_names() -> None:
    assert month_key(date(2026, 9, 1)) == "2026-09"
    assert month_label(date(2026, 9, 1)) == "September 2026"
    slot = Slot(1, 1, 1, date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 5))
    assert slot.key == "2027-01"
