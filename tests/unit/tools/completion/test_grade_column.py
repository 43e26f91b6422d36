"""When the "Programme completion" column gets a score: only when the decision changes."""

from __future__ import annotations

import pytest

from ctom_lti.tools.completion.grade_column import decision
from ctom_lti.tools.completion.results import CandidateResult, Overall


def result(overall: Overall) -> CandidateResult:
    return CandidateResult(1, "Ada", "ada@example.edu", overall, ())


@pytest.mark.parametrize(
    ("overall", "term_over", "last", "expected"),
    [
        (Overall.COMPLETE, False, None, True),
        (Overall.COMPLETE, True, True, None),
        (Overall.IN_PROGRESS, False, None, None),
        (Overall.NOT_COMPLETE, False, None, None),
        (Overall.NOT_COMPLETE, True, None, False),
        (Overall.NOT_COMPLETE, False, True, False),
        (Overall.NOT_COMPLETE, True, False, None),
        (Overall.WITHDRAWN, True, True, None),
    ],
)
def test_a_score_is_queued_only_when_the_decision_changes(
    overall: Overall, term_over: bool, last: bool | None, expected: bool | None
) -> None:
    assert decision(result(overall), term_over=term_over, last=last) is expected
