"""WSGI middleware in front of the whole sandbox app: latency, faults, throttling, request log.

It sits outside Flask because two of its jobs cannot be done from inside a view: dropping the
TCP connection without any HTTP response, and replacing a response after the request has
already been executed (the ambiguous failure a client must handle by looking before re-creating).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import socket
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from ctom_lti.sandbox.knobs import Fault
from ctom_lti.sandbox.requestlog import LoggedRequest, mask_query

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from ctom_lti.sandbox.core import Sandbox

_error_reports = itertools.count(1)

# canvas-rest.md §1.4: the throttle's refusal is plain text, not JSON ("<status> <reason>
# (Rate Limit Exceeded)"; the 429 wording is inferred from the 403 one)
RATE_LIMIT_BODIES = {
    403: b"403 Forbidden (Rate Limit Exceeded)\n",
    429: b"429 Too Many Requests (Rate Limit Exceeded)\n",
}


class DroppedConnection(ConnectionAbortedError):
    """Raised after the sandbox closed a client's connection on purpose (werkzeug ignores it)."""


class SandboxMiddleware:
    def __init__(self, app: WSGIApplication, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        call = _Call(self.sandbox, environ)
        knobs = self.sandbox.knobs
        self.sandbox.gates.pass_through(call.method, call.path)
        delay = knobs.latency_for(call.path)
        if delay:
            time.sleep(delay)
        if call.stale:
            # The store was replaced while this request waited (latency, a gate); its client
            # has long given up, and running it now would write into the new state.
            _drop(environ)

        fault = knobs.fault_for(call.method, call.path)
        if fault is not None and not fault.executes:
            return call.fail(fault, start_response)

        client = _throttle_client(environ) if call.path.startswith("/api/") else None
        if client is not None and not knobs.settings.throttle.enabled:
            client = None
        if client is not None and not knobs.admit(client)[0]:
            refused = knobs.settings.throttle.status
            call.record(refused, None)
            return _respond_rate_limited(start_response, refused)

        # REST calls run one at a time: views iterate the store's dicts, which a concurrent
        # insert would break. Latency is spent above, outside the lock, so slow concurrent
        # clients still overlap.
        serial = self.sandbox.store.lock if call.path.startswith("/api/v1/") else nullcontext()
        with serial:
            status, headers, body = self._run(environ)
        if client is not None:
            cost, left = knobs.release(client)
            headers += [("X-Request-Cost", _num(cost)), ("X-Rate-Limit-Remaining", _num(left))]
        if fault is not None:
            return call.fail(fault, start_response)
        call.record(int(status.split(" ", 1)[0]), None)
        start_response(status, headers)
        return [body]

    def _run(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        """Run the app to completion and hand back its whole response."""
        captured: dict[str, Any] = {"status": "500 INTERNAL SERVER ERROR", "headers": []}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = status
            captured["headers"] = list(headers)
            return lambda data: None  # views never use the legacy write() callable

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close: Callable[[], None] | None = getattr(result, "close", None)
            if close is not None:
                close()
        return captured["status"], captured["headers"], body


class _Call:
    """One request as the log sees it."""

    def __init__(self, sandbox: Sandbox, environ: WSGIEnvironment) -> None:
        self.sandbox = sandbox
        self.environ = environ
        self.started = time.perf_counter()
        self.when = datetime.now(UTC)
        self.method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        self.path = str(environ.get("PATH_INFO", ""))
        self.generation = sandbox.generation

    @property
    def stale(self) -> bool:
        """The sandbox was reset since this request arrived."""
        return self.sandbox.generation != self.generation

    def record(self, status: int | None, fault: Fault | None) -> None:
        if self.stale:
            return  # the log was reset with the store; this request is not part of its story
        self.sandbox.log.append(
            LoggedRequest(
                method=self.method,
                path=self.path,
                query=mask_query(str(self.environ.get("QUERY_STRING", ""))),
                status=status,
                time=self.when,
                duration_ms=(time.perf_counter() - self.started) * 1000.0,
                fault=fault.value if fault else None,
            )
        )

    def fail(self, fault: Fault, start_response: StartResponse) -> list[bytes]:
        """Answer (or drop) the request as ``fault`` says; the log records what the client saw."""
        if fault in (Fault.DROP, Fault.DROP_AFTER):
            self.record(None, fault)
            _drop(self.environ)
        if fault is Fault.THROTTLE:
            status = self.sandbox.knobs.settings.throttle.status
            self.record(status, fault)
            return _respond_rate_limited(start_response, status)
        status = self.sandbox.knobs.settings.error_status
        self.record(status, fault)
        return _respond_error(start_response, status)


def _throttle_client(environ: WSGIEnvironment) -> str | None:
    """Canvas keys its bucket by the access token's hash first (canvas-rest.md §1.4)."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    token = auth[7:].strip() if auth.startswith("Bearer ") else ""
    if not token:
        values = parse_qs(str(environ.get("QUERY_STRING", ""))).get("access_token")
        token = values[0] if values else ""
    if not token:
        return None
    return hashlib.sha256(token.encode()).hexdigest()


def _num(value: float) -> str:
    return repr(round(value, 4))


def _drop(environ: WSGIEnvironment) -> None:
    """Close the connection without a response, so the client sees a connection error."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        # OSError: the client went away already, which is a drop either way
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise DroppedConnection("connection dropped by the sandbox (injected fault)")


def _respond_error(start_response: StartResponse, status: int) -> list[bytes]:
    # canvas-rest.md §1.3: the unhandled-exception body
    body = json.dumps(
        {
            "errors": [{"message": "An error occurred.", "error_code": "internal_server_error"}],
            "error_report_id": next(_error_reports),
        }
    ).encode()
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    start_response(
        f"{status} {reason.get(status, 'Error')}",
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _respond_rate_limited(start_response: StartResponse, status: int) -> list[bytes]:
    body = RATE_LIMIT_BODIES[status]
    start_response(
        body.decode().split(" (", 1)[0],
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Rate-Limit-Remaining", "0.0"),
        ],
    )
    return [body]
