"""Knobs that make the sandbox misbehave as Canvas does in production, for tests and benchmarks.

Everything here is settable at start-up and changeable while the server runs (each request reads
one immutable :class:`KnobSettings` snapshot, replaced atomically under a lock):

- per-request latency;
- random faults at given rates, drawn from a seedable RNG so runs can be repeated:
  a 5xx before the request runs, a forced 403 ``Rate Limit Exceeded``, a TCP connection dropped
  without any response (request not executed), and the nasty ambiguous case — the request *is*
  executed, then the client gets a 5xx or a dropped connection (so a client must look before it
  re-creates);
- planned faults ("the next 2 POSTs to …/modules fail with a dropped connection"), for tests that
  need one exact failure rather than a rate;
- Canvas's leaky-bucket throttle (canvas-rest.md §1.4) with its parameters settable.

The decisions are pure functions over frozen values (:func:`choose_fault` here, the throttle's in
``throttle``); :class:`Knobs` only holds state and a lock.
"""

from __future__ import annotations

import dataclasses
import enum
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ctom_lti.sandbox.throttle import (
    BucketState,
    ThrottleSettings,
    leak,
    remaining,
    reserve,
    settle,
)

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class Fault(enum.Enum):
    """What goes wrong with one request."""

    #: 5xx answered instead of running the request
    ERROR = "error"
    #: the throttle's "Rate Limit Exceeded" answered instead of running the request
    THROTTLE = "throttle"
    #: TCP connection closed without a response; the request is not run
    DROP = "drop"
    #: the request runs (and its effects stay), then the client gets a 5xx
    ERROR_AFTER = "error_after"
    #: the request runs (and its effects stay), then the connection is dropped
    DROP_AFTER = "drop_after"

    @property
    def executes(self) -> bool:
        return self in (Fault.ERROR_AFTER, Fault.DROP_AFTER)


@dataclass(frozen=True)
class KnobSettings:
    latency_ms: float = 0.0
    #: path prefixes that get the latency (add "/" to slow down LTI and UI pages too)
    latency_paths: tuple[str, ...] = ("/api/",)
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    #: rate of "executed, then failed" faults; applies to ``ambiguous_methods`` only
    ambiguous_rate: float = 0.0
    #: how an ambiguous fault shows itself: "drop", "error" or "mixed" (half each)
    ambiguous_mode: str = "mixed"
    ambiguous_methods: tuple[str, ...] = WRITE_METHODS
    #: random faults only hit these path prefixes
    fault_paths: tuple[str, ...] = ("/api/v1/",)
    error_status: int = 500
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.throttle_rate, self.drop_rate, self.ambiguous_rate)
        if any(r < 0 or r > 1 for r in rates) or sum(rates) > 1:
            raise ValueError("fault rates must each be within 0..1 and add up to at most 1")
        if self.ambiguous_mode not in {"drop", "error", "mixed"}:
            raise ValueError("ambiguous_mode must be 'drop', 'error' or 'mixed'")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.throttle.status not in (403, 429):
            raise ValueError("throttle status must be 403 or 429")


@dataclass(frozen=True)
class PlannedFault:
    """A fault to inject into the next ``times`` matching requests."""

    fault: Fault
    times: int = 1
    method: str | None = None
    path_prefix: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


def choose_fault(settings: KnobSettings, method: str, path: str, draw: float) -> Fault | None:
    """The random fault for one request, given a uniform ``draw`` in [0, 1)."""
    if not path.startswith(settings.fault_paths):
        return None
    bands: list[tuple[float, Fault | None]] = [
        (settings.error_rate, Fault.ERROR),
        (settings.throttle_rate, Fault.THROTTLE),
        (settings.drop_rate, Fault.DROP),
    ]
    if method in settings.ambiguous_methods and settings.ambiguous_rate > 0:
        half = settings.ambiguous_rate / 2
        if settings.ambiguous_mode == "drop":
            bands.append((settings.ambiguous_rate, Fault.DROP_AFTER))
        elif settings.ambiguous_mode == "error":
            bands.append((settings.ambiguous_rate, Fault.ERROR_AFTER))
        else:
            bands += [(half, Fault.DROP_AFTER), (half, Fault.ERROR_AFTER)]
    edge = 0.0
    for width, fault in bands:
        edge += width
        if draw < edge:
            return fault
    return None


class Knobs:
    """The live, thread-safe holder of settings, planned faults and throttle buckets."""

    def __init__(
        self, settings: KnobSettings | None = None, *, seed: int | None = None, **changes: Any
    ) -> None:
        self._lock = threading.Lock()
        base = settings or KnobSettings()
        self._initial = _replace(base, changes)
        self._settings = self._initial
        self._seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - fault injection, not security
        self._planned: list[PlannedFault] = []
        self._buckets: dict[str, BucketState] = {}

    @property
    def settings(self) -> KnobSettings:
        return self._settings

    def set(self, **changes: Any) -> KnobSettings:
        """Change settings now, e.g. ``knobs.set(latency_ms=50, error_rate=0.2)``.

        Throttle parameters may be given flat with a ``throttle_`` prefix
        (``throttle_hwm=100``) or as ``throttle=ThrottleSettings(...)``.
        """
        with self._lock:
            self._settings = _replace(self._settings, changes)
            return self._settings

    def seed(self, seed: int | None) -> None:
        """Restart the random fault sequence (same seed → same faults for the same requests)."""
        with self._lock:
            self._seed = seed
            self._rng = random.Random(seed)  # noqa: S311 - fault injection, not security

    def reset(self) -> None:
        """Back to the start-up settings: no planned faults, empty buckets, RNG reseeded."""
        with self._lock:
            self._settings = self._initial
            self._planned.clear()
            self._buckets.clear()
            self._rng = random.Random(self._seed)  # noqa: S311 - fault injection, not security

    @contextmanager
    def override(self, **changes: Any) -> Iterator[KnobSettings]:
        """Apply ``changes`` inside a ``with`` block and restore the previous settings after."""
        with self._lock:
            previous = self._settings
            self._settings = _replace(previous, changes)
            current = self._settings
        try:
            yield current
        finally:
            with self._lock:
                self._settings = previous

    def inject(
        self,
        fault: Fault,
        times: int = 1,
        *,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Make the next ``times`` requests matching ``method``/``path_prefix`` fail with ``fault``.

        Planned faults apply to any path (not only ``fault_paths``) and come before random ones.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._planned.append(PlannedFault(fault, times, method, path_prefix))

    def pending_faults(self) -> int:
        with self._lock:
            return sum(p.times for p in self._planned)

    def fault_for(self, method: str, path: str) -> Fault | None:
        """Decide (and consume) the fault for one request."""
        with self._lock:
            for i, planned in enumerate(self._planned):
                if planned.matches(method, path):
                    if planned.times <= 1:
                        del self._planned[i]
                    else:
                        self._planned[i] = dataclasses.replace(planned, times=planned.times - 1)
                    return planned.fault
            s = self._settings
            if not (s.error_rate or s.throttle_rate or s.drop_rate or s.ambiguous_rate):
                return None
            return choose_fault(s, method, path, self._rng.random())

    def latency_for(self, path: str) -> float:
        """Seconds to wait before handling a request to ``path``."""
        s = self._settings
        if s.latency_ms and path.startswith(s.latency_paths):
            return s.latency_ms / 1000.0
        return 0.0

    # --- throttle -------------------------------------------------------------------------------
    def admit(self, client: str) -> tuple[bool, float]:
        """Try to start a request for ``client``; returns (allowed, remaining)."""
        settings = self._settings.throttle
        with self._lock:
            state = self._buckets.get(client, BucketState(0.0, time.monotonic()))
            allowed, state = reserve(state, time.monotonic(), settings)
            self._buckets[client] = state
            return allowed, remaining(state, settings)

    def release(self, client: str) -> tuple[float, float]:
        """Finish a request for ``client``; returns (cost, remaining)."""
        settings = self._settings.throttle
        with self._lock:
            state = self._buckets.get(client, BucketState(settings.up_front_cost, time.monotonic()))
            state = settle(state, time.monotonic(), settings, settings.request_cost)
            self._buckets[client] = state
            return settings.request_cost, remaining(state, settings)

    def bucket_level(self, client: str) -> float:
        with self._lock:
            state = self._buckets.get(client)
            if state is None:
                return 0.0
            return leak(state, time.monotonic(), self._settings.throttle.outflow).level


def _replace(settings: KnobSettings, changes: dict[str, Any]) -> KnobSettings:
    own = {f.name for f in dataclasses.fields(KnobSettings)}
    bucket = {f.name for f in dataclasses.fields(ThrottleSettings)}
    rest: dict[str, Any] = {}
    flat_throttle: dict[str, Any] = {}
    for key, value in changes.items():
        if key in own:
            rest[key] = value
        elif key.startswith("throttle_") and key[len("throttle_") :] in bucket:
            flat_throttle[key[len("throttle_") :]] = value
        else:
            raise ValueError(f"unknown sandbox knob {key!r}")
    for name in ("latency_paths", "fault_paths", "ambiguous_methods"):
        if isinstance(rest.get(name), str):
            rest[name] = (rest[name],)
        elif name in rest:
            rest[name] = tuple(rest[name])
    updated = dataclasses.replace(settings, **rest)
    if flat_throttle:
        updated = dataclasses.replace(
            updated, throttle=dataclasses.replace(updated.throttle, **flat_throttle)
        )
    return updated
