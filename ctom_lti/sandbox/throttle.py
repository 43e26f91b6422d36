"""Canvas's leaky-bucket request throttle (canvas-rest.md §1.4) as pure functions over frozen
values: the settings, a bucket's state, and admitting, settling and leaking a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleSettings:
    """Canvas's request throttle (canvas-rest.md §1.4), per access token.

    Canvas charges measured CPU + DB seconds per request; the sandbox charges a fixed
    ``request_cost`` so that runs are repeatable.
    """

    enabled: bool = True
    maximum: float = 800.0
    #: high-water mark: the bucket counts as full (requests refused) once its level reaches this
    hwm: float = 600.0
    #: units leaked per second
    outflow: float = 10.0
    #: charged while a request runs and refunded after it, so parallel requests are penalised
    up_front_cost: float = 50.0
    request_cost: float = 0.5
    #: status of a throttled request: 403 as the reference reads Canvas's code (canvas-rest.md
    #: §1.4); hosted Canvas moved to 429 in October 2025 (Instructure API change log, cited in
    #: ucfopen/canvasapi#704), and canvasapi 3.6 raises RateLimitExceeded only for 429 — for 403
    #: it raises Forbidden with the "Rate Limit Exceeded" body. Clients must cope with both.
    status: int = 403


@dataclass(frozen=True)
class BucketState:
    level: float = 0.0
    #: time.monotonic() of the last update
    at: float = 0.0


def leak(state: BucketState, now: float, outflow: float) -> BucketState:
    drained = max(0.0, state.level - max(0.0, now - state.at) * outflow)
    return BucketState(drained, now)


def reserve(state: BucketState, now: float, settings: ThrottleSettings) -> tuple[bool, BucketState]:
    """Admit a request (charging the up-front cost) unless the bucket is at its high-water mark."""
    state = leak(state, now, settings.outflow)
    if state.level >= settings.hwm:
        return False, state
    return True, BucketState(min(settings.maximum, state.level + settings.up_front_cost), now)


def settle(state: BucketState, now: float, settings: ThrottleSettings, cost: float) -> BucketState:
    """After the request: refund the up-front cost and charge the real one."""
    state = leak(state, now, settings.outflow)
    level = state.level - settings.up_front_cost + cost
    return BucketState(min(settings.maximum, max(0.0, level)), now)


def remaining(state: BucketState, settings: ThrottleSettings) -> float:
    """``X-Rate-Limit-Remaining``: distance to the high-water mark."""
    return max(0.0, settings.hwm - state.level)
