"""Refused request bodies are read to their end, so the person sees the 413 page.

When the tool refuses a body as too large it answers before reading it. A server that then closes
the connection with unread bytes in its buffer makes the kernel send a TCP reset, and the
browser shows "connection reset" instead of the page that says what to do. This middleware
reads and discards what is left of a refused body, up to a bound in bytes and time, and asks the
server to close the connection afterwards; beyond the bound a reset is the lesser harm than a
worker held by a client that never stops sending.

A body sent without ``Content-Length`` (chunked) is read here up to the limit and handed on with
its length, so the limit holds for it as for any other: werkzeug would otherwise cut such a form
at the limit without a word and parse what is left.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from typing import IO, Any

StartResponse = Any
WSGIApp = Any

_CHUNK = 64 * 1024
#: Marks a body whose length is unknown (chunked) and already over the limit.
_UNMEASURED = "ctom.body_unmeasured"


class _CountingInput:
    """The body stream, counting what the application read of it."""

    __slots__ = ("consumed", "raw")

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.consumed += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.raw.readline(size)
        self.consumed += len(data)
        return data

    def __iter__(self) -> _CountingInput:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def drain(
    environ: dict[str, Any], stream: _CountingInput, *, max_bytes: int, seconds: float
) -> int:
    """Read and discard the rest of the request body; return how many bytes were read.

    Reads never go past ``Content-Length`` (more would wait for bytes that never come); a
    chunked body is read to the end its server marks (``wsgi.input_terminated``).
    """
    length = environ.get("CONTENT_LENGTH")
    if environ.get(_UNMEASURED):
        remaining = max_bytes
    elif length and length.isdigit():
        remaining = int(length) - stream.consumed
    else:
        return 0
    deadline = time.monotonic() + seconds
    read = 0
    try:
        while remaining > 0 and read < max_bytes and time.monotonic() < deadline:
            data = stream.read(min(_CHUNK, remaining, max_bytes - read))
            if not data:
                break
            read += len(data)
            remaining -= len(data)
    except OSError:  # the client gave up sending: nothing left to protect
        pass
    return read


class DrainRefusedBodies:
    """WSGI middleware around the tool: see the module docstring."""

    def __init__(
        self, app: WSGIApp, *, limit: int | None, max_bytes: int, seconds: float = 5.0
    ) -> None:
        self.app = app
        self.limit = limit
        self.max_bytes = max_bytes
        self.seconds = seconds

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        stream = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = stream
        if (
            not environ.get("CONTENT_LENGTH")
            and environ.get("wsgi.input_terminated")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            self._give_length(environ, stream)
        refused = False

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal refused
            if status.startswith("413"):
                refused = True
                headers = [(k, v) for k, v in headers if k.lower() != "connection"]
                headers.append(("Connection", "close"))
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        if not refused:
            return result  # type: ignore[no-any-return]
        # Read the rest before the answer is written: a client that sends its whole body
        # before reading (most do) then finds the page waiting for it.
        drain(environ, stream, max_bytes=self.max_bytes, seconds=self.seconds)
        return result  # type: ignore[no-any-return]

    def _give_length(self, environ: dict[str, Any], stream: _CountingInput) -> None:
        if self.limit is None:
            return
        head = stream.read(self.limit + 1)
        # From here on the app sees a body of known length (werkzeug ignores Content-Length
        # while the request says it is chunked).
        del environ["HTTP_TRANSFER_ENCODING"]
        if len(head) <= self.limit:
            environ["CONTENT_LENGTH"] = str(len(head))
            environ["wsgi.input"] = _CountingInput(io.BytesIO(head))
        else:
            # A length over the limit makes the app refuse the body (413); its rest is then
            # drained like any other refused body's, up to the end the server marks.
            environ["CONTENT_LENGTH"] = str(len(head))
            environ[_UNMEASURED] = True
