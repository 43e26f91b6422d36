"""Pure parts of the roster and gradebook clients: what is sent, what is read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ctom_lti.lti import claims
from ctom_lti.lti.advantage import ColumnResult, GradebookColumn
from ctom_lti.lti.gradebook import pass_fail_grade, result_from_json
from ctom_lti.lti.roster import member_from_json
from ctom_lti.models import Role

COLUMN = GradebookColumn(
    id="https://c.example/api/lti/courses/1/line_items/7", label="P", score_maximum=10
)


def _body(passed: bool, at: datetime) -> dict[str, object]:
    body: dict[str, object] = json.loads(
        pass_fail_grade(COLUMN, "sub-1", passed=passed, at=at, comment=None).get_value()
    )
    return body


def test_pass_is_full_marks_and_fail_is_zero_both_fully_graded() -> None:
    at = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-8)))
    passed, failed = _body(True, at), _body(False, at)
    assert (passed["scoreGiven"], passed["scoreMaximum"]) == (10, 10)
    # Zero, not absent: an absent scoreGiven would clear the grade instead of "incomplete".
    assert (failed["scoreGiven"], failed["scoreMaximum"]) == (0.0, 10)
    assert failed["gradingProgress"] == passed["gradingProgress"] == "FullyGraded"
    assert failed["userId"] == "sub-1"
    # UTC with microseconds: two scores in one second keep their order.
    assert passed["timestamp"] == "2026-03-01T20:00:00.123456+00:00"


def test_a_column_without_points_cannot_take_pass_fail() -> None:
    empty = GradebookColumn(id="u", label="Nothing", score_maximum=0)
    with pytest.raises(ValueError, match="no points"):
        pass_fail_grade(empty, "s", passed=True, at=datetime.now(UTC), comment=None)


def test_members_are_read_into_the_tools_type() -> None:
    member = member_from_json(
        {
            "user_id": "abc",
            "status": "Active",
            "roles": [claims.ROLE_MENTOR, 7],
            "name": " Ruth ",
            "lis_person_sourcedid": "M-1",
        }
    )
    assert member is not None
    assert (member.sub, member.roles, member.name, member.sis_user_id) == (
        "abc",
        frozenset({Role.MENTOR}),
        "Ruth",
        "M-1",
    )
    assert member.lti_roles == (claims.ROLE_MENTOR,)
    assert member_from_json({"roles": [claims.ROLE_LEARNER]}) is None


def test_results_read_complete_as_canvas_does() -> None:
    assert result_from_json({"userId": "a", "resultScore": 0.5, "resultMaximum": 1}) == (
        ColumnResult(sub="a", score=0.5, maximum=1.0)
    )
    assert ColumnResult(sub="a", score=0.5, maximum=1.0).complete is True
    assert ColumnResult(sub="a", score=0.0, maximum=1.0).complete is False
    assert ColumnResult(sub="a", score=None, maximum=None).complete is None
    assert result_from_json({"resultScore": 1}) is None
