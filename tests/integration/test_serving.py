"""The tool's own WSGI server (demo, tests, stand-alone sandbox) finishes every request's work."""

from __future__ import annotations

import socket
import struct
import threading

from flask import Flask, Response, after_this_request, redirect

from ctom_lti.serving import ServerThread


def _app(done: threading.Event) -> Flask:
    app = Flask(__name__)

    @app.post("/retry")
    def retry() -> Response:
        @after_this_request
        def later(response: Response) -> Response:
            response.call_on_close(done.set)
            return response

        return redirect("/grades")  # type: ignore[return-value]

    return app


def _post_then_reset(port: int) -> bytes:
    """POST, read the start of the answer, then drop the connection the way a browser may."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"POST /retry HTTP/1.1\r\nHost: tool\r\nContent-Length: 0\r\n\r\n")
        first = conn.recv(12)
        # Linger 0: close() sends a reset instead of an orderly end, with the body unread.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return first


def test_work_after_the_response_runs_when_the_client_resets_the_connection() -> None:
    for _ in range(5):
        done = threading.Event()
        with ServerThread(_app(done)) as server:
            assert _post_then_reset(server.port) == b"HTTP/1.1 302"
            assert done.wait(5), "the after-response work never ran"


def test_work_after_the_response_runs_once_for_a_polite_client() -> None:
    calls: list[int] = []
    app = Flask(__name__)

    @app.get("/")
    def index() -> Response:
        @after_this_request
        def later(response: Response) -> Response:
            response.call_on_close(lambda: calls.append(1))
            return response

        return Response("ok")

    with (
        ServerThread(app) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn,
    ):
        conn.sendall(b"GET / HTTP/1.1\r\nHost: tool\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    # The server closes the connection only after the body's close(): no wait is needed.
    assert answer.endswith(b"ok")
    assert calls == [1]
