"""The curriculum data: the programme's strands, principles and sessions, validated."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from ctom_lti.curriculum import CurriculumError, load_curriculum
from ctom_lti.curriculum.loader import parse_curriculum


def test_three_strands_with_four_five_and_seven_principles_named_as_in_the_seed() -> None:
    c = load_curriculum()
    assert [s.name for s in c.strands] == ["Technology", "Education", "Leadership"]
    assert [len(s.principles) for s in c.strands] == [4, 5, 7]
    assert [p.name for p in c.strand("technology").principles] == [
        "Security Fundamentals",
        "Infrastructure",
        "Technology Services",
        "IT Knowledge",
    ]
    assert [p.name for p in c.strand("education").principles] == [
        "Student Centered Aspects",
        "Staff Centered Aspects",
        "Educational Technology",
        "Assessment and Accountability",
        "Finance Centered Aspects",
    ]
    assert [p.name for p in c.strand("leadership").principles] == [
        "Professional Development and Training",
        "Vision and Technology Planning",
        "Communications and Public Relations",
        "Personnel Management",
        "Organizational Management",
        "Fiscal Management",
        "Project Management",
    ]


def test_sixteen_principles_with_unique_keys_and_topics_from_the_seed() -> None:
    c = load_curriculum()
    keys = [p.key for p in c.principles]
    assert len(keys) == 16 == len(set(keys))
    assert "Budgeting for security" in c.principle("security-fundamentals").topics
    assert "Decision tools (TCO/ROI)" in c.principle("fiscal-management").topics
    assert all(p.topics for p in c.principles)


def test_eight_sessions_numbered_in_order_and_the_first_is_the_kickoff() -> None:
    c = load_curriculum()
    assert [s.number for s in c.sessions] == list(range(1, 9))
    assert c.sessions[0].format == "kickoff-full-friday"


def test_unknown_principle_key_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no-such-principle"):
        load_curriculum().principle("no-such-principle")


def _packaged() -> dict:  # type: ignore[type-arg]
    text = resources.files("ctom_lti.curriculum").joinpath("curriculum.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_duplicate_key_is_rejected_with_its_location() -> None:
    data = _packaged()
    data["strands"][1]["principles"][0]["key"] = "infrastructure"
    with pytest.raises(CurriculumError, match=r"strand #2 principle #1: key 'infrastructure'"):
        parse_curriculum(data)


def test_missing_session_is_rejected() -> None:
    data = _packaged()
    data["sessions"].pop()
    with pytest.raises(CurriculumError, match="expected 8 sessions, found 7"):
        parse_curriculum(data)
