"""The cohort file: every problem is reported with its line, before anything reaches Canvas."""

from __future__ import annotations

from datetime import date, time
from importlib import resources
from pathlib import Path

import pytest

from ctom_lti.cohorts import CohortConfig, load_cohort, parse_cohort
from ctom_lti.cohorts.tomlsource import InputFileError, TomlSource
from ctom_lti.curriculum.loader import load_curriculum

EXAMPLE = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")


def parse(text: str) -> CohortConfig:
    return parse_cohort(TomlSource(text, "cohort.toml"), load_curriculum())


def problems(text: str) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        parse(text)
    return [p.render("cohort.toml") for p in caught.value.problems]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_the_shipped_example_is_a_valid_cohort_file() -> None:
    cohort = parse(EXAMPLE)
    assert cohort.sis_course_id == "CTOM-2026-C12"
    assert cohort.account_id == 1
    assert len(cohort.sessions) == 8
    assert [s.region for s in cohort.sessions] == ["north", "south"] * 4
    assert cohort.sessions[0].title == "Kickoff"
    # The kickoff is a full Friday and starts in the morning; the others Friday evening.
    assert cohort.sessions[0].start == time(9, 0)
    assert cohort.sessions[1].start == time(17, 0)
    assert cohort.sessions[1].last_day == date(2026, 10, 10)
    assert cohort.principle_sessions["project-management"] == 8
    assert [p.mentor_sis_id for p in cohort.pairings] == ["mentor-001", "mentor-002"]
    assert cohort.pairings[0].candidate_sis_ids == ("cand-001", "cand-002")


def test_load_cohort_reads_a_file_and_resolves_a_relative_spec(tmp_path: Path) -> None:
    text = EXAMPLE.replace('# spec = "my_course_spec.toml"', 'spec = "layout.toml"')
    path = tmp_path / "cohort.toml"
    path.write_text(text)
    cohort = load_cohort(path, load_curriculum())
    assert cohort.spec_path == tmp_path / "layout.toml"


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_cohort(tmp_path / "nope.toml", load_curriculum())
    assert "nope.toml: file not found" in caught.value.message


def test_syntax_errors_name_the_line() -> None:
    text = EXAMPLE.replace("number = 12", "number = = 12")
    [message] = problems(text)
    assert message.startswith(f"cohort.toml line {line_of(text, 'number = = 12')}:")
    assert "not valid TOML" in message


def test_an_unknown_principle_is_named_with_its_line() -> None:
    text = EXAMPLE.replace("infrastructure = 2", "infrastructur = 2")
    [message] = problems(text)
    assert message.startswith(f"cohort.toml line {line_of(text, 'infrastructur = 2')}:")
    assert "unknown principle 'infrastructur'" in message
    assert "infrastructure" in message  # the known keys are listed


def test_overlapping_sessions_are_reported_at_the_later_session() -> None:
    # Session 3 moved onto session 2's weekend.
    text = EXAMPLE.replace("date = 2026-11-13", "date = 2026-10-09")
    [message] = problems(text)
    assert message.startswith(f"cohort.toml line {line_of(text, 'date = 2026-10-09', 2)}:")
    assert "session 3 (2026-10-09) overlaps or comes before session 2" in message


def test_sessions_out_of_order_are_reported() -> None:
    text = EXAMPLE.replace("date = 2027-03-12", "date = 2026-12-04")
    found = problems(text)
    assert any("session 7 (2026-12-04) overlaps or comes before session 6" in m for m in found)


def test_missing_fields_name_the_table_and_the_field() -> None:
    text = EXAMPLE.replace('sis_course_id = "CTOM-2026-C12"\n', "")
    [message] = problems(text)
    assert (
        message
        == f"cohort.toml line {line_of(text, '[cohort]')}: [cohort] is missing 'sis_course_id'"
    )


def test_a_session_without_location_is_reported_at_that_session() -> None:
    text = EXAMPLE.replace('location = "San Diego County Office of Education"\n', "")
    [message] = problems(text)
    line = line_of(text, "[[sessions]]", 4)
    assert message == f"cohort.toml line {line}: [[sessions]] #4 is missing 'location'"


def test_wrong_types_are_explained() -> None:
    text = EXAMPLE.replace("term_start = 2026-09-01", 'term_start = "2026-09-01"')
    [message] = problems(text)
    assert "term_start must be a date like 2025-09-12 (no quotes)" in message


def test_every_problem_is_reported_at_once() -> None:
    text = (
        EXAMPLE.replace('region = "south"', 'region = "east"', 1)
        .replace("number = 12", "number = 0")
        .replace("infrastructure = 2", "infrastructure = 9")
    )
    found = problems(text)
    assert len(found) == 3
    assert any('region must be "north" or "south", not \'east\'' in m for m in found)
    assert any("number must be 1 or more" in m for m in found)
    assert any("infrastructure must be a session number from 1 to 8, not 9" in m for m in found)


def test_sessions_start_on_a_friday() -> None:
    text = EXAMPLE.replace("date = 2026-10-09", "date = 2026-10-10")
    found = problems(text)
    assert any(
        "session 2 date 2026-10-10 is a Saturday; sessions start on a Friday" in m for m in found
    )


def test_locations_alternate_unless_the_check_is_turned_off() -> None:
    text = EXAMPLE.replace('region = "south"', 'region = "north"', 1)
    found = problems(text)
    assert any("sessions 1 and 2 are both in the north" in m for m in found)
    relaxed = text.replace("[options]\n", "[options]\ncheck_alternating_regions = false\n")
    assert parse(relaxed).sessions[1].region == "north"


def test_sessions_must_fall_inside_the_term() -> None:
    text = EXAMPLE.replace("term_end = 2027-05-28", "term_end = 2027-03-31")
    found = problems(text)
    assert any("session 8 (2027-04-09) ends after term_end 2027-03-31" in m for m in found)


def test_the_programme_has_eight_sessions() -> None:
    cut = EXAMPLE.index("[[sessions]]\ndate = 2027-04-09")
    text = EXAMPLE[:cut] + EXAMPLE[EXAMPLE.index("# At which session") :]
    found = problems(text)
    assert any("the programme has 8 sessions; found 7" in m for m in found)


def test_unknown_keys_are_typos_until_proven_otherwise() -> None:
    text = EXAMPLE.replace('location = "Orange County', 'locaton = "Orange County')
    found = problems(text)
    assert any("unknown session key 'locaton'" in m for m in found)


def test_sis_ids_that_canvasapi_cannot_put_in_a_url_are_refused() -> None:
    text = EXAMPLE.replace('"CTOM-2026-C12"', '"CTOM/2026.C12"')
    [message] = problems(text)
    assert "may contain only letters, digits, '-' and '_'" in message


def test_a_candidate_has_one_mentor() -> None:
    text = EXAMPLE.replace('candidate_sis_ids = ["cand-003"]', 'candidate_sis_ids = ["cand-002"]')
    [message] = problems(text)
    assert message.startswith(f"cohort.toml line {line_of(text, 'candidate_sis_ids', 2)}:")
    assert "candidate 'cand-002' is already paired with mentor 'mentor-001'" in message


def test_account_may_be_given_by_sis_id() -> None:
    text = EXAMPLE.replace("account_id = 1", 'account_id = "sis_account_id:CTO-PROGRAM"')
    assert parse(text).account_id == "sis_account_id:CTO-PROGRAM"
    bad = EXAMPLE.replace("account_id = 1", 'account_id = "programme"')
    assert any("account_id must be a number" in m for m in problems(bad))
