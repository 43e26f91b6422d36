"""The outbox's settings, read by the one loader (``ctom_lti.config``) from ``CTOM_<NAME>``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask

from ctom_lti.config import Setting, parse_bool
from ctom_lti.grades.rules import BackoffPolicy

SETTINGS: tuple[Setting, ...] = (
    # How long a worker holds a claimed post without a word. The worker renews it before each
    # step that calls Canvas, so it must outlast the longest stretch between two renewals (a
    # few calls of LTI_HTTP_DEADLINE each and one quick-retry wait), not a whole delivery; once
    # it has run out, another worker may take the post over, after reading Canvas to see
    # whether it landed.
    Setting("GRADES_LEASE_SECONDS", 300.0, float),
    # Quick retries within one attempt (throttling, 5xx, timeouts), spaced from this many
    # seconds, doubling.
    Setting("GRADES_QUICK_TRIES", 4, int),
    Setting("GRADES_QUICK_WAIT", 0.5, float),
    # After those, the worker tries again later: from this many seconds, doubling, an hour at
    # most, until GRADES_MAX_ATTEMPTS attempts, after which the post needs a person.
    Setting("GRADES_BACKOFF_SECONDS", 30.0, float),
    Setting("GRADES_MAX_ATTEMPTS", 8, int),
    # One attempt right after a request that wrote posts has answered.
    Setting("GRADES_POST_AFTER_REQUEST", True, parse_bool),
    Setting("GRADES_WORKER_POLL", 5.0, float),
    Setting("GRADES_WORKER_BATCH", 20, int),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}
#: Canvas calls a worker may make between two renewals of its lease: an access token, the
#: column (read, then made if missing), and Canvas's current result before a post that may
#: already have landed.
CALLS_BETWEEN_RENEWALS = 4
#: tenacity's wait_exponential cap in ``ctom_lti.grades.delivery``.
LONGEST_QUICK_WAIT = 30.0


def _value(app: Flask, name: str) -> Any:
    # An app built without the grades feature (some tests) still posts with the defaults.
    return app.config.get(name, _DEFAULTS[name])


@dataclass(frozen=True)
class OutboxSettings:
    lease: timedelta
    quick_tries: int
    quick_wait: float
    policy: BackoffPolicy
    post_after_request: bool
    poll: float
    batch: int


def longest_gap(call_deadline: float, quick_wait: float, quick_tries: int) -> float:
    """The most seconds a worker may go between two renewals of its lease."""
    wait = min(LONGEST_QUICK_WAIT, quick_wait * 2.0 ** max(0, quick_tries - 2))
    return CALLS_BETWEEN_RENEWALS * call_deadline + wait


def lease_problem(app: Flask) -> str | None:
    """Why the lease setting would let a second worker take over a post still under way, or
    None when it is long enough."""
    settings = outbox_settings(app)
    deadline = float(app.config["LTI_HTTP_DEADLINE"])  # the LTI layer's setting, always loaded
    gap = longest_gap(deadline, settings.quick_wait, settings.quick_tries)
    lease = settings.lease.total_seconds()
    if lease >= gap:
        return None
    return (
        f"GRADES_LEASE_SECONDS is {lease:g} s, but a worker may go {gap:g} s between renewals "
        f"({CALLS_BETWEEN_RENEWALS} Canvas calls of LTI_HTTP_DEADLINE {deadline:g} s each and a "
        f"quick-retry wait): set CTOM_GRADES_LEASE_SECONDS to at least {gap:g}, or shorten "
        "CTOM_LTI_HTTP_DEADLINE or CTOM_GRADES_QUICK_WAIT."
    )


def outbox_settings(app: Flask) -> OutboxSettings:
    return OutboxSettings(
        lease=timedelta(seconds=float(_value(app, "GRADES_LEASE_SECONDS"))),
        quick_tries=max(1, int(_value(app, "GRADES_QUICK_TRIES"))),
        quick_wait=float(_value(app, "GRADES_QUICK_WAIT")),
        policy=BackoffPolicy(
            base=timedelta(seconds=float(_value(app, "GRADES_BACKOFF_SECONDS"))),
            max_attempts=int(_value(app, "GRADES_MAX_ATTEMPTS")),
        ),
        post_after_request=bool(_value(app, "GRADES_POST_AFTER_REQUEST")),
        poll=float(_value(app, "GRADES_WORKER_POLL")),
        batch=max(1, int(_value(app, "GRADES_WORKER_BATCH"))),
    )
