"""A name lookup that does not answer ends at the call's deadline: ``getaddrinfo`` has no timeout
of its own, so without the deadline a slow resolver would hold the worker for as long as it
takes. The resolver is the one thing stood in for here (the host's own cannot be slowed down);
the call, its connection and the server it finally reaches are real."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ctom_lti.lti.http import DeadlineExceeded, make_http_session

SLOW_HOST = "canvas.slow-resolver.example"


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """``SLOW_HOST`` resolves to loopback only once the test lets it (other names as usual)."""
    answer = threading.Event()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        flags = args[3] if len(args) > 3 else kwargs.get("flags", 0)
        if host == SLOW_HOST and not flags & socket.AI_NUMERICHOST:
            answer.wait(60)
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield answer
    answer.set()


def test_a_lookup_that_does_not_answer_ends_at_the_deadline(
    server: ThreadingHTTPServer, slow_resolver: threading.Event
) -> None:
    port = server.server_address[1]
    session = make_http_session(connect_timeout=5.0, read_timeout=5.0, deadline=0.5)
    with ThreadPoolExecutor(max_workers=1) as pool:
        call = pool.submit(session.get, f"http://{SLOW_HOST}:{port}/")
        # The call ends while the resolver still has not answered (it would wait a minute).
        failure = call.exception(timeout=20)
        slow_resolver.set()
    assert isinstance(failure, DeadlineExceeded), failure
    # Once names resolve again, the same session gets through.
    assert session.get(f"http://{SLOW_HOST}:{port}/").text == "ok"
