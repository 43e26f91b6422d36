"""The pure parts of the sandbox knobs: fault choice and the leaky bucket (canvas-rest.md §1.4)."""

from __future__ import annotations

import pytest

from ctom_lti.sandbox.knobs import Fault, Knobs, KnobSettings, choose_fault
from ctom_lti.sandbox.throttle import BucketState, ThrottleSettings, reserve, settle


def test_choose_fault_partitions_the_draw() -> None:
    s = KnobSettings(error_rate=0.1, throttle_rate=0.1, drop_rate=0.1, ambiguous_rate=0.2)
    path = "/api/v1/courses/1/modules"
    assert choose_fault(s, "POST", path, 0.05) is Fault.ERROR
    assert choose_fault(s, "POST", path, 0.15) is Fault.THROTTLE
    assert choose_fault(s, "POST", path, 0.25) is Fault.DROP
    assert choose_fault(s, "POST", path, 0.35) is Fault.DROP_AFTER
    assert choose_fault(s, "POST", path, 0.45) is Fault.ERROR_AFTER
    assert choose_fault(s, "POST", path, 0.55) is None
    # reads are never "executed, then failed"
    assert choose_fault(s, "GET", path, 0.35) is None
    assert choose_fault(s, "POST", "/lti/launch", 0.05) is None


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="add up"):
        KnobSettings(error_rate=0.6, drop_rate=0.6)
    with pytest.raises(ValueError, match="unknown sandbox knob"):
        Knobs(error_rat=0.1)
    with pytest.raises(ValueError, match="403 or 429"):
        Knobs(throttle_status=500)


def test_bucket_charges_up_front_then_settles_and_leaks() -> None:
    t = ThrottleSettings(hwm=100, outflow=10, up_front_cost=50, request_cost=2)
    allowed, state = reserve(BucketState(0.0, 0.0), 0.0, t)
    assert allowed and state.level == 50
    state = settle(state, 0.0, t, 2)
    assert state.level == 2
    full = BucketState(100.0, 0.0)
    assert reserve(full, 0.0, t)[0] is False
    assert reserve(full, 1.0, t)[0] is True  # 10 units leaked in a second


def test_planned_faults_come_first_and_are_consumed() -> None:
    knobs = Knobs()
    knobs.inject(Fault.DROP, times=2, method="POST")
    assert knobs.fault_for("GET", "/api/v1/x") is None
    assert knobs.fault_for("POST", "/api/v1/x") is Fault.DROP
    assert knobs.pending_faults() == 1
    assert knobs.fault_for("POST", "/api/v1/x") is Fault.DROP
    assert knobs.fault_for("POST", "/api/v1/x") is None
