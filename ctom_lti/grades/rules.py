"""The outbox's pure decisions: what a new decision supersedes, what a failure means, when to
try again, and what a recovered post's result in Canvas tells.

No Flask, no session: frozen values in, decisions out (the service and worker apply them).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ColumnSpec:
    """A gradebook column the tool owns in a cohort's course (an AGS line item).

    :param tag: stable name the tool finds the column by (also its ``resourceId``), e.g.
        ``ctom-report-2026-09``, ``ctom-portfolio``, ``ctom-completion``.
    :param label: the column's name in the gradebook, e.g. "Mentor report - September 2026".
    """

    tag: str
    label: str
    score_maximum: float = 1.0

    def __post_init__(self) -> None:
        if not self.tag.strip() or len(self.tag) > 255:
            raise ValueError("a column tag is 1 to 255 characters")
        if not self.label.strip() or len(self.label) > 255:
            raise ValueError("a column label is 1 to 255 characters")
        if self.score_maximum <= 0:
            raise ValueError("a pass/fail column needs a score maximum above zero")


class PostState(enum.StrEnum):
    """Where a grade post is in its life."""

    #: waiting for a worker (first time, or after a failure worth retrying)
    PENDING = "pending"
    #: claimed by a worker, which holds it until ``lease_until``
    SENDING = "sending"
    #: Canvas holds the score
    SENT = "sent"
    #: needs a person: the message says what went wrong (a retry puts it back to pending)
    FAILED = "failed"
    #: a newer decision for the same person and column replaced it before it was sent
    SUPERSEDED = "superseded"


#: States a newer decision replaces: nothing has reached Canvas from them, nor is on its way.
SUPERSEDABLE = frozenset({PostState.PENDING, PostState.FAILED})
#: States that still need something to happen.
OPEN = frozenset({PostState.PENDING, PostState.SENDING, PostState.FAILED})


def superseded_by_new(state: PostState) -> bool:
    """Does a newer decision for the same (cohort, column, person) replace a row in ``state``?

    Unsent rows are replaced (the latest decision wins). A row being sent is left alone: its
    post may already be in Canvas, and the newer row is posted after it, so it lands last.
    Sent and already superseded rows are history.
    """
    return state in SUPERSEDABLE


class FailureKind(enum.Enum):
    """What a failed attempt means for the next one."""

    #: Canvas asked us to slow down (403 "Rate Limit Exceeded" or 429): nothing was done
    THROTTLED = "throttled"
    #: a 5xx, a timeout or no answer: the post may or may not have landed; look before re-posting
    UNCERTAIN = "uncertain"
    #: Canvas refused for a reason a person must fix (4xx, missing service, unknown person)
    NEEDS_PERSON = "needs_person"


def classify(status: int | None, message: str, *, retryable: bool = False) -> FailureKind:
    """Classify a failure from Canvas's HTTP status (None: no answer) and message.

    :param retryable: the transport said the failure is temporary (timeout, connection lost).
    """
    if status == 429 or (status == 403 and "rate limit" in message.lower()):
        return FailureKind.THROTTLED
    if status is None:
        return FailureKind.UNCERTAIN if retryable else FailureKind.NEEDS_PERSON
    if status >= 500 or status in (408, 409):
        return FailureKind.UNCERTAIN
    return FailureKind.NEEDS_PERSON


@dataclass(frozen=True)
class BackoffPolicy:
    """How the worker spaces its attempts at one post (beyond the quick in-process retries)."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    #: after this many attempts a temporary failure also needs a person
    max_attempts: int = 8


@dataclass(frozen=True)
class Retry:
    at: datetime


@dataclass(frozen=True)
class GiveUp:
    message: str


def next_step(
    kind: FailureKind, attempts: int, now: datetime, message: str, policy: BackoffPolicy
) -> Retry | GiveUp:
    """After attempt number ``attempts`` failed with ``kind``: try again when, or give up why.

    Exponential backoff (base * 2 ** (attempts - 1), capped); a failure that needs a person, or the
    last allowed attempt, gives up with a message for the dashboard.
    """
    if kind is FailureKind.NEEDS_PERSON:
        return GiveUp(message)
    if attempts >= policy.max_attempts:
        return GiveUp(f"Canvas kept failing after {attempts} attempts: {message}")
    delay = policy.base * (2 ** max(attempts - 1, 0))
    return Retry(now + min(delay, policy.cap))


def already_in_canvas(passed: bool, score: float | None) -> bool:
    """Does Canvas's result already show this decision (pass: above zero, fail: zero)?

    AGS results carry no timestamp (canvas-lti.md §5.5), so the score is what can be compared:
    when it matches, Canvas shows what this post would write and posting again changes nothing.
    """
    if score is None:
        return False
    return (score > 0) == passed
