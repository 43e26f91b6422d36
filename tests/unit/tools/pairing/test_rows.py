"""Reading the pairing import file: clean rows, and every bad row named with what is wrong."""

from __future__ import annotations

from ctom_lti.tools.pairing.rows import COLUMNS, parse_import

KEYS = ["infrastructure", "fiscal-management", "project-management"]
HEADER = ",".join(COLUMNS)


def test_a_good_mentor_row_is_cleaned() -> None:
    text = (
        f"{HEADER}\n"
        "Mentor, Rivera@Fresno.Example.org ,Elena  Rivera,Fresno Unified,North,18,"
        "fiscal-management;infrastructure,,2,time;hands_on,\n"
    )
    parsed = parse_import(text, KEYS)
    assert parsed.problems == () and parsed.file_problem is None
    (row,) = parsed.rows
    assert (row.role, row.email, row.name, row.region, row.years, row.capacity) == (
        "mentor", "rivera@fresno.example.org", "Elena Rivera", "north", 18, 2,
    )  # fmt: skip
    assert row.expertise == ("infrastructure", "fiscal-management")  # curriculum order
    assert row.qualifications == {"time", "hands_on"}


def test_header_problems_name_the_columns() -> None:
    parsed = parse_import("role,email,colour\n", KEYS)
    assert parsed.rows == ()
    assert parsed.file_problem is not None
    assert "unknown columns: colour" in parsed.file_problem
    assert "missing columns: name, organisation" in parsed.file_problem


def test_each_bad_row_is_reported_with_its_line_and_the_good_ones_kept() -> None:
    text = (
        f"{HEADER}\n"
        "candidate,a@x.example.org,,,,,,infrastructure,,,\n"
        "candidate,b@x.example.org,,,south,many,,,,,\n"
        "\n"
        "mentor,c@x.example.org,,,,,,infrastructure,,work_study;flying,\n"
        "candidate,A@x.example.org,,,,,,,,,\n"
        "candidate,d@x.example.org,,\n"
    )
    parsed = parse_import(text, KEYS)
    assert [r.email for r in parsed.rows] == ["a@x.example.org"]
    problems = {p.line: str(p) for p in parsed.problems}
    assert "years must be a whole number" in problems[3]
    assert "qualifications has unknown keys: flying" in problems[5]
    assert "a mentor row leaves growth_areas empty" in problems[5]
    assert "the same email is on line 2" in problems[6]
    assert "has 4 cells; the header has 11" in problems[7]


def test_conflicts_must_be_emails() -> None:
    text = f"{HEADER}\ncandidate,a@x.example.org,,,,,,,,,b@x.example.org;Bob\n"
    (problem,) = parse_import(text, KEYS).problems
    assert "conflicts has entries that are not emails: bob" in str(problem)
