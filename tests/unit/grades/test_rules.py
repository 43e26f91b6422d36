"""The outbox's pure decisions: supersede, classify, back off, recognise a landed score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ctom_lti.grades.rules import (
    BackoffPolicy,
    ColumnSpec,
    FailureKind,
    GiveUp,
    PostState,
    Retry,
    already_in_canvas,
    classify,
    next_step,
    superseded_by_new,
)
from ctom_lti.grades.settings import longest_gap

NOW = datetime(2026, 9, 5, 12, 0, tzinfo=UTC)
POLICY = BackoffPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=10), max_attempts=6)


@pytest.mark.parametrize(
    ("state", "replaced"),
    [
        (PostState.PENDING, True),
        (PostState.FAILED, True),
        (PostState.SENDING, False),
        (PostState.SENT, False),
        (PostState.SUPERSEDED, False),
    ],
)
def test_a_newer_decision_replaces_only_what_has_not_left(state: PostState, replaced: bool) -> None:
    assert superseded_by_new(state) is replaced


@pytest.mark.parametrize(
    ("status", "message", "retryable", "kind"),
    [
        (429, "Too Many Requests", False, FailureKind.THROTTLED),
        (403, "403 Forbidden (Rate Limit Exceeded)", False, FailureKind.THROTTLED),
        (403, "unauthorized scope", False, FailureKind.NEEDS_PERSON),
        (500, "Internal Server Error", False, FailureKind.UNCERTAIN),
        (503, "Service Unavailable", False, FailureKind.UNCERTAIN),
        (422, "User not found in course or is not a student", False, FailureKind.NEEDS_PERSON),
        (404, "The specified LTI line item could not be found", False, FailureKind.NEEDS_PERSON),
        (400, "Provided timestamp before last updated", False, FailureKind.NEEDS_PERSON),
        (None, "Canvas did not answer in time", True, FailureKind.UNCERTAIN),
        (None, "This developer key is no longer registered.", False, FailureKind.NEEDS_PERSON),
    ],
)
def test_failures_are_told_apart(
    status: int | None, message: str, retryable: bool, kind: FailureKind
) -> None:
    assert classify(status, message, retryable=retryable) is kind


def test_temporary_failures_back_off_exponentially_up_to_a_cap() -> None:
    waits = [
        next_step(FailureKind.UNCERTAIN, n, NOW, "500", POLICY)
        for n in range(1, POLICY.max_attempts)
    ]
    assert all(isinstance(w, Retry) for w in waits)
    delays = [w.at - NOW for w in waits if isinstance(w, Retry)]
    assert delays == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
        timedelta(seconds=480),
    ]
    capped = next_step(FailureKind.THROTTLED, 5, NOW, "slow down", BackoffPolicy(max_attempts=50))
    assert isinstance(capped, Retry) and capped.at - NOW == timedelta(seconds=480)
    far = next_step(FailureKind.THROTTLED, 20, NOW, "slow down", BackoffPolicy(max_attempts=50))
    assert isinstance(far, Retry) and far.at - NOW == timedelta(hours=1)


def test_a_failure_that_needs_a_person_gives_up_at_once_with_canvass_words() -> None:
    step = next_step(FailureKind.NEEDS_PERSON, 1, NOW, "User not found in course", POLICY)
    assert step == GiveUp("User not found in course")


def test_temporary_failures_give_up_after_the_last_attempt() -> None:
    step = next_step(FailureKind.UNCERTAIN, POLICY.max_attempts, NOW, "HTTP 502", POLICY)
    assert isinstance(step, GiveUp)
    assert step.message == "Canvas kept failing after 6 attempts: HTTP 502"


@pytest.mark.parametrize(
    ("passed", "score", "landed"),
    [
        (True, 1.0, True),
        (True, 0.0, False),
        (False, 0.0, True),
        (False, 1.0, False),
        (True, None, False),
        (False, None, False),
    ],
)
def test_a_score_in_canvas_that_matches_needs_no_second_post(
    passed: bool, score: float | None, landed: bool
) -> None:
    assert already_in_canvas(passed, score) is landed


@pytest.mark.parametrize(
    ("tag", "label", "maximum"),
    [("", "Portfolio", 1.0), ("ctom-portfolio", " ", 1.0), ("ctom-portfolio", "Portfolio", 0.0)],
)
def test_a_column_needs_a_tag_a_label_and_points(tag: str, label: str, maximum: float) -> None:
    with pytest.raises(ValueError):
        ColumnSpec(tag, label, maximum)


def test_the_longest_gap_between_lease_renewals_counts_calls_and_the_retry_wait() -> None:
    # Four calls of 5 s and the third quick try's wait (0.5 s doubled twice).
    assert longest_gap(5.0, 0.5, 4) == 22.0
    # The quick-retry wait stops growing at tenacity's cap.
    assert longest_gap(1.0, 10.0, 8) == 4.0 + 30.0
    assert longest_gap(1.0, 0.5, 1) == 4.5
