"""Run a WSGI app on a background thread (tests, the demo, the stand-alone sandbox)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_BODY = "ctom.serving.body"


class _Body:
    """A response body whose ``close`` runs once, whoever calls it first."""

    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()


class _KeepBody:
    """WSGI middleware that leaves each response body in its environ for the handler to close."""

    def __init__(self, app: Any) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> _Body:
        body = _Body(self._app(environ, start_response))
        environ[_BODY] = body
        return body


class QuietHandler(WSGIRequestHandler):
    """Request handler that logs nothing: URLs may carry launch tokens that must never be logged.

    It also closes every response body, which Werkzeug skips when the client resets the
    connection just after the response (browsers do, after a redirect): work scheduled for after
    the response (``call_on_close``) would otherwise never run.
    """

    _environ: dict[str, Any] | None = None

    def make_environ(self) -> Any:
        self._environ = super().make_environ()
        return self._environ

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            body = self._environ.pop(_BODY, None) if self._environ is not None else None
            self._environ = None
            if body is not None:
                body.close()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def log(self, type: str, message: str, *args: object) -> None:
        return


class ServerThread:
    """A threaded WSGI server on ``host:port`` (port 0 picks a free one) in a daemon thread."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self._server: BaseWSGIServer = make_server(
            host, port, _KeepBody(app), threaded=True, request_handler=QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"wsgi-{host}:{self.port}", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
