"""Staying polite to Canvas: timeouts, a throttle that eases off early, and retries with jitter.

Canvas meters API use with a leaky bucket per token (canvas-rest.md §1.4): every response carries
``X-Rate-Limit-Remaining``; when it reaches zero Canvas answers ``403 Rate Limit Exceeded`` and does
not execute the request. Parallel requests are charged an up-front cost, so a burst can empty the
bucket quickly. :class:`Throttle` watches the header and pauses *before* the bucket is empty;
:func:`call_with_retries` backs off and retries what is safe to retry.

canvasapi itself has no timeouts, retries or throttling; :class:`CanvasTransport` is mounted on
canvasapi's ``requests`` session so every request, including pagination follow-ups, goes through
here.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ctom_lti.canvas.errors import CanvasError, CanvasThrottled, CanvasWriteUncertain
from ctom_lti.deadline_adapter import DeadlineAdapter

T = TypeVar("T")

#: (connect, read) seconds. Canvas answers most calls in well under a second; a read that takes
#: half a minute is treated as lost.
DEFAULT_TIMEOUT = (5.0, 30.0)
#: The most one request to Canvas may take, from name lookup to the last byte of its body. Under
#: gunicorn's 30 s worker timeout, so a page waiting on a stuck Canvas gets a clear error rather
#: than a killed worker.
DEFAULT_DEADLINE = 25.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure."""

    attempts: int = 8
    #: first backoff ceiling in seconds; doubles per attempt, full jitter (a random wait below it)
    initial_wait: float = 0.25
    max_wait: float = 8.0
    #: after ``403 Rate Limit Exceeded`` wait at least this long: the bucket leaks ~10 units/s
    throttled_wait: float = 1.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure: a random wait below a ceiling that
        doubles per attempt (full jitter), so clients that failed together retry apart."""
        ceiling = min(self.max_wait, self.initial_wait * 2 ** max(0, attempt - 1))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not security


@dataclass(frozen=True)
class CallCounts:
    """HTTP requests sent to Canvas, retries and pauses included."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    throttled: int = 0
    throttle_pauses: int = 0
    pause_seconds: float = 0.0

    def __sub__(self, other: CallCounts) -> CallCounts:
        return CallCounts(
            self.reads - other.reads,
            self.writes - other.writes,
            self.retries - other.retries,
            self.throttled - other.throttled,
            self.throttle_pauses - other.throttle_pauses,
            round(self.pause_seconds - other.pause_seconds, 3),
        )

    @property
    def total(self) -> int:
        return self.reads + self.writes


class CallCounter:
    """Thread-safe tally behind :class:`CallCounts`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = CallCounts()

    def add(self, **deltas: float) -> None:
        with self._lock:
            values = {
                name: getattr(self._counts, name) + deltas.get(name, 0)
                for name in CallCounts.__dataclass_fields__
            }
            self._counts = CallCounts(**values)

    def snapshot(self) -> CallCounts:
        with self._lock:
            return self._counts


class Throttle:
    """Pause before Canvas's rate-limit bucket runs dry, judging by ``X-Rate-Limit-Remaining``.

    The remaining allowance is estimated from the last header seen plus what the bucket has leaked
    since (Canvas drains ``outflow`` units a second). Below ``low_water`` (a share of the largest
    allowance seen, so small test buckets and Canvas's 600 both work) each request waits long
    enough for the bucket to drain back to the low-water mark, up to ``max_pause``.
    """

    def __init__(
        self,
        *,
        low_water: float = 0.35,
        outflow_per_second: float = 10.0,
        max_pause: float = 5.0,
        counter: CallCounter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.low_water = low_water
        self.outflow = outflow_per_second
        self.max_pause = max_pause
        self._counter = counter
        self._sleep = sleep
        self._lock = threading.Lock()
        self._remaining: float | None = None
        self._highest = 0.0
        self._seen_at = 0.0

    def count_into(self, counter: CallCounter) -> None:
        """Tally pauses in ``counter`` (a gateway's), unless the throttle already has one."""
        if self._counter is None:
            self._counter = counter

    def observe(self, remaining: float | None) -> None:
        """Record the allowance a response reported (``None`` when it sent no header)."""
        if remaining is None:
            return
        with self._lock:
            self._remaining = remaining
            self._highest = max(self._highest, remaining)
            self._seen_at = time.monotonic()

    def pause_needed(self) -> float:
        """Seconds to wait before the next request (0 when there is room)."""
        with self._lock:
            if self._remaining is None or self._highest <= 0:
                return 0.0
            leaked = (time.monotonic() - self._seen_at) * self.outflow
            estimate = min(self._highest, self._remaining + leaked)
            mark = self._highest * self.low_water
            if estimate >= mark:
                return 0.0
            return min(self.max_pause, (mark - estimate) / self.outflow)

    def before_request(self) -> None:
        pause = self.pause_needed()
        if pause > 0:
            # A little jitter keeps paused worker threads from firing again in one burst.
            pause *= random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security
            if self._counter is not None:
                self._counter.add(throttle_pauses=1, pause_seconds=pause)
            self._sleep(pause)


def _remaining_header(response: requests.Response) -> float | None:
    raw = response.headers.get("X-Rate-Limit-Remaining")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        return None


class CanvasTransport(DeadlineAdapter):
    """The ``requests`` adapter under canvasapi: timeouts, throttling and counting for every call.

    canvasapi passes no ``timeout``, so without this a hung Canvas would hang sync forever; and
    a timeout bounds each read only, so each request also has a total ``deadline``
    (:mod:`ctom_lti.deadlines`).
    """

    def __init__(
        self,
        *,
        throttle: Throttle,
        counter: CallCounter,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        pool_size: int = 10,
    ) -> None:
        # No urllib3-level retries: a retried POST could create twice; retries happen above, where
        # it is known whether the call is safe to repeat.
        super().__init__(
            pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0, deadline=deadline
        )
        self.throttle = throttle
        self.counter = counter
        self.timeout = timeout

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        self.throttle.before_request()
        if request.method == "GET":
            self.counter.add(reads=1)
        else:
            self.counter.add(writes=1)
        response = super().send(request, *args, **kwargs)
        if response.status_code in (403, 429) and b"Rate Limit Exceeded" in (
            response.content or b""
        ):
            self.counter.add(throttled=1)
            self.throttle.observe(0.0)
        else:
            self.throttle.observe(_remaining_header(response))
        return response


def _retryable(idempotent: bool) -> Callable[[BaseException], bool]:
    def check(exc: BaseException) -> bool:
        if not isinstance(exc, CanvasError) or not exc.transient:
            return False
        # A create that may have happened must not be repeated blindly (see CanvasWriteUncertain).
        return idempotent or not isinstance(exc, CanvasWriteUncertain)

    return check


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        delay = policy.backoff(state.attempt_number)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, CanvasThrottled):
            delay = max(delay, policy.throttled_wait * random.uniform(1.0, 1.5))  # noqa: S311
        return delay

    return wait


def call_with_retries(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy,
    idempotent: bool,
    counter: CallCounter | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``fn``, retrying transient :class:`CanvasError` s with jittered exponential backoff.

    :param idempotent: whether repeating the call cannot change the outcome (reads, PUTs,
        enrollment POSTs). Non-idempotent calls are retried only when Canvas certainly did not
        execute them (throttled, connection refused).
    :raises CanvasError: the last failure once retries are exhausted or it is not retryable.
    """

    def before_sleep(_state: RetryCallState) -> None:
        if counter is not None:
            counter.add(retries=1)

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=_wait(policy),
        retry=retry_if_exception(_retryable(idempotent)),
        reraise=True,
        sleep=sleep,
        before_sleep=before_sleep,
    )
    return retrying(fn)
