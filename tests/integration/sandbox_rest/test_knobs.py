"""Throttling, injected faults, latency and the request log (canvas-rest.md §1.4; issue 3 knobs)."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest
import requests
from canvasapi.course import Course
from canvasapi.exceptions import CanvasException, Forbidden, RateLimitExceeded

from ctom_lti.sandbox.knobs import Fault
from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api


def test_throttle_headers_on_token_requests(sandbox: SandboxServer, api: Api) -> None:
    resp = api.get("accounts/self")
    assert float(resp.headers["X-Request-Cost"]) > 0
    assert 0 < float(resp.headers["X-Rate-Limit-Remaining"]) <= 600
    unauthenticated = api.as_user(None).get("accounts/self")
    assert "X-Rate-Limit-Remaining" not in unauthenticated.headers


def test_bucket_drains_into_rate_limit_exceeded(
    sandbox: SandboxServer, course: Course, api: Api
) -> None:
    sandbox.knobs.set(throttle_hwm=60, throttle_outflow=0, throttle_request_cost=25)
    first, second = (
        float(api.get("accounts/self").headers["X-Rate-Limit-Remaining"]) for _ in "ab"
    )
    assert first - second == pytest.approx(25.0)

    while (resp := api.get("accounts/self")).status_code == 200:
        assert float(resp.headers["X-Rate-Limit-Remaining"]) < second
    assert resp.status_code == 403
    assert resp.text == "403 Forbidden (Rate Limit Exceeded)\n"
    assert resp.headers["X-Rate-Limit-Remaining"] == "0.0"
    assert "X-Request-Cost" not in resp.headers
    # canvasapi 3.6 reports a 403 throttle as Forbidden carrying Canvas's text
    with pytest.raises(Forbidden, match="Rate Limit Exceeded"):
        course.create_module(module={"name": "Refused"})
    assert sandbox.store.modules == {}


def test_throttle_can_answer_429_as_hosted_canvas_now_does(
    sandbox: SandboxServer, course: Course
) -> None:
    sandbox.knobs.set(
        throttle_status=429, throttle_hwm=1, throttle_outflow=0, throttle_request_cost=5
    )
    list(course.get_modules())  # admitted, and fills the bucket past its mark
    with pytest.raises(RateLimitExceeded, match=r"X-Rate-Limit-Remaining: 0\.0"):
        course.create_module(module={"name": "Refused"})


def test_bucket_leaks_back(sandbox: SandboxServer, api: Api) -> None:
    sandbox.knobs.set(throttle_hwm=10, throttle_outflow=1000, throttle_request_cost=20)
    assert api.get("accounts/self").status_code == 200
    time.sleep(0.05)  # 1000 units/s for 50 ms drains the 20 units
    assert api.get("accounts/self").status_code == 200


def test_injected_5xx_runs_nothing(sandbox: SandboxServer, course: Course) -> None:
    sandbox.knobs.inject(Fault.ERROR, method="POST")
    with pytest.raises(CanvasException, match="status code 500"):
        course.create_module(module={"name": "Lost"})
    assert sandbox.store.modules == {}
    assert sandbox.log.count(status=500, fault="error") == 1


def test_dropped_connection_before_running(sandbox: SandboxServer, course: Course) -> None:
    sandbox.knobs.inject(Fault.DROP, method="POST", path_prefix="/api/v1/courses/")
    with pytest.raises(requests.exceptions.ConnectionError):
        course.create_module(module={"name": "Lost"})
    assert sandbox.store.modules == {}
    assert course.create_module(module={"name": "Kept"}).name == "Kept"


@pytest.mark.parametrize(
    ("fault", "raised"),
    [(Fault.DROP_AFTER, requests.exceptions.ConnectionError), (Fault.ERROR_AFTER, CanvasException)],
)
def test_ambiguous_failure_runs_the_request(
    sandbox: SandboxServer, course: Course, fault: Fault, raised: type[Exception]
) -> None:
    sandbox.knobs.inject(fault, method="POST")
    with pytest.raises(raised):
        course.create_module(module={"name": "Created anyway"})
    assert [m.name for m in course.get_modules()] == ["Created anyway"]


def test_forced_throttle_fault(sandbox: SandboxServer, course: Course) -> None:
    sandbox.knobs.inject(Fault.THROTTLE, times=2, method="POST")
    for _ in range(2):
        with pytest.raises(Forbidden, match="Rate Limit Exceeded"):
            course.create_module(module={"name": "Refused"})
    assert course.create_module(module={"name": "Third time"}).position == 1


def test_fault_rates_are_seeded_and_limited_to_api_paths(sandbox: SandboxServer, api: Api) -> None:
    def statuses() -> list[int]:
        sandbox.knobs.seed(7)
        with sandbox.knobs.override(error_rate=0.5):
            return [api.get("accounts/self").status_code for _ in range(20)]

    first, second = statuses(), statuses()
    assert first == second
    assert set(first) == {200, 500}
    with sandbox.knobs.override(error_rate=1.0, fault_paths=("/api/v1/courses",)):
        assert api.get("accounts/self").status_code == 200
    assert sandbox.knobs.settings.error_rate == 0.0


def test_latency_is_applied(sandbox: SandboxServer, api: Api) -> None:
    sandbox.knobs.set(latency_ms=60)
    started = time.perf_counter()
    api.get("accounts/self")
    assert time.perf_counter() - started >= 0.06
    assert sandbox.log.entries()[-1].duration_ms >= 60


def test_request_log_counts_calls(sandbox: SandboxServer, course: Course) -> None:
    sandbox.log.clear()
    module = course.create_module(module={"name": "A"})
    module.edit(module={"published": True})
    list(course.get_modules())
    assert sandbox.log.count() == 3
    assert sandbox.log.count(method="POST") == 1
    assert [(e.method, e.status) for e in sandbox.log.writes()] == [("POST", 200), ("PUT", 200)]
    assert [e.path for e in sandbox.log.reads()] == [f"/api/v1/courses/{course.id}/modules"]
    assert sandbox.log.reads()[0].query == "per_page=100"


def test_a_request_from_before_a_reset_never_touches_the_fresh_state(
    sandbox: SandboxServer,
) -> None:
    """A timed-out call of one test must not create objects in (or log into) the next test."""
    sandbox.knobs.set(latency_ms=300.0)
    # The client gives up after 50 ms, as a timed-out caller does; the sandbox is still waiting.
    with contextlib.suppress(requests.exceptions.RequestException):
        requests.post(
            f"{sandbox.base_url}/api/v1/accounts/self/courses",
            data={"course[name]": "Late"},
            headers={"Authorization": f"Bearer {sandbox.admin_token}"},
            timeout=0.05,
        )
    sandbox.reset()
    time.sleep(0.4)  # the request's latency ends after the reset
    assert not [c for c in sandbox.store.courses.values() if c.name == "Late"]
    assert sandbox.log.entries() == []


def test_a_gate_holds_matching_requests_until_let_through(
    sandbox: SandboxServer, course: Course, api: Api
) -> None:
    gate = sandbox.gates.hold(methods=("POST",), path_prefix="/api/v1/courses/")
    with ThreadPoolExecutor(max_workers=2) as pool:
        created = [
            pool.submit(api.post, f"courses/{course.id}/modules", json={"module": {"name": n}})
            for n in ("Session 1", "Session 2")
        ]
        assert gate.wait_until_holding(2)
        assert api.get(f"courses/{course.id}/modules").json() == []  # reads pass the gate
        gate.let_through(1)
        first = next(as_completed(created, timeout=10))
        assert first.result().status_code == 200
        assert not all(f.done() for f in created)  # the other is still held
        assert len(sandbox.store.modules) == 1
        gate.open()
        assert all(f.result(timeout=10).status_code == 200 for f in created)
    assert len(sandbox.store.modules) == 2


def test_a_reset_lets_held_requests_go(sandbox: SandboxServer, course: Course, api: Api) -> None:
    sandbox.gates.hold(methods=("POST",))
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(api.post, f"courses/{course.id}/modules", json={"module": {"name": "x"}})
        time.sleep(0.2)
        assert not held.done()
        sandbox.reset()
        # It began before the reset: it is dropped, never written into the fresh state.
        with pytest.raises(requests.ConnectionError):
            held.result(timeout=10)
    assert sandbox.store.modules == {}
