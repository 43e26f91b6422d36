"""Page slug rules (canvas-rest.md §4.7) and the pass/fail grade mapping (§5)."""

from __future__ import annotations

import pytest

from ctom_lti.sandbox.grading import Grade, interpret
from ctom_lti.sandbox.slugs import titleize, to_url, unique_url


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Week 1 - Intro", "week-1-intro"),
        ("Don't panic!", "dont-panic"),
        ("1.5 Security & Privacy", "1-dot-5-security-and-privacy"),
        ("Session 1. Kickoff", "session-1-kickoff"),
        ("Q&A: 100% ready?", "q-and-a-100-percent-ready"),
        ("Café <b>Budget</b> $10", "cafe-budget-10-dollars"),
        ("Finance / Fiscal", "finance-slash-fiscal"),
        ("My Page-2", "my-page-2"),
        ("  Lots   of   space  ", "lots-of-space"),
    ],
)
def test_to_url(title: str, slug: str) -> None:
    assert to_url(title) == slug


def test_unique_url_never_uses_1() -> None:
    assert unique_url("intro", set()) == "intro"
    assert unique_url("intro", {"intro"}) == "intro-2"
    assert unique_url("intro", {"intro", "intro-2"}) == "intro-3"


def test_titleize() -> None:
    assert titleize("week-1") == "Week 1"
    assert titleize("mentor_partnership-agreement") == "Mentor Partnership Agreement"


@pytest.mark.parametrize(
    ("posted", "points", "expected"),
    [
        ("pass", 1, Grade(1.0, "complete")),
        ("complete", 1, Grade(1.0, "complete")),
        ("fail", 1, Grade(0.0, "incomplete")),
        ("incomplete", 1, Grade(0.0, "incomplete")),
        ("1", 1, Grade(1.0, "complete")),
        ("100%", 1, Grade(1.0, "complete")),
        ("0", 1, Grade(0.0, "incomplete")),
        ("0.5", 1, Grade(None, "0.5")),
        ("Complete", 1, Grade(None, "Complete")),
        ("PASS", 1, Grade(None, "PASS")),
        ("pass", None, Grade(0.0, "complete")),
        ("fail", 0, Grade(0.0, "incomplete")),
        ("", 1, Grade(None, None)),
    ],
)
def test_pass_fail_mapping(posted: str, points: float | None, expected: Grade) -> None:
    assert interpret(posted, "pass_fail", points) == expected


def test_points_and_percent() -> None:
    assert interpret("8.5", "points", 10) == Grade(8.5, "8.5")
    assert interpret("85%", "points", 10) == Grade(8.5, "8.5")
    assert interpret("8", "percent", 10) == Grade(8.0, "80%")
