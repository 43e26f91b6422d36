"""The calendar as features read it: session start moments and the next session."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from ctom_lti.cohorts import CohortConfig, parse_cohort
from ctom_lti.cohorts.calendar import CohortCalendar, settings_json
from ctom_lti.cohorts.tomlsource import TomlSource
from ctom_lti.curriculum.loader import load_curriculum

EXAMPLE = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")


def _config() -> CohortConfig:
    return parse_cohort(TomlSource(EXAMPLE, "cohort.toml"), load_curriculum())


def test_sessions_start_in_the_cohorts_time_zone_across_daylight_saving() -> None:
    config = _config()
    calendar = CohortCalendar(config.time_zone, config.term_start, config.term_end, config.sessions)
    # Session 4 (December) is in standard time, session 1 (September) in daylight time.
    assert calendar.starts_at(config.session(1)).utcoffset() == dt.timedelta(hours=-7)
    assert calendar.starts_at(config.session(4)).utcoffset() == dt.timedelta(hours=-8)
    assert calendar.starts_at(config.session(4)).isoformat() == "2026-12-11T17:00:00-08:00"


def test_the_session_on_or_after_a_day_counts_the_saturday() -> None:
    config = _config()
    calendar = CohortCalendar(config.time_zone, config.term_start, config.term_end, config.sessions)
    assert calendar.session_on_or_after(dt.date(2026, 9, 1)) == config.session(1)
    # Session 2 runs Friday 9 and Saturday 10 October.
    assert calendar.session_on_or_after(dt.date(2026, 10, 10)) == config.session(2)
    assert calendar.session_on_or_after(dt.date(2026, 10, 11)) == config.session(3)
    assert calendar.session_on_or_after(dt.date(2027, 5, 1)) is None


def test_settings_keep_what_the_calendar_does_not() -> None:
    settings = settings_json(_config())
    assert settings["account_id"] == 1
    assert settings["course_code"] == "CTOM-12"
    assert settings["options"]["session_start"] == "17:00:00"
    assert settings["options"]["restrict_enrollments_to_course_dates"] is True
    assert len(settings["principle_sessions"]) == 16
