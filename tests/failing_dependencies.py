"""Dependencies that fail on purpose, on loopback: a Redis the test stops, freezes and restarts,
and HTTP servers that never answer or answer one byte at a time."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """A ``redis-server`` of the test's own, on a free port that stays the same across restarts."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for these tests (Debian package redis-server)"
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.frozen = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        """Stop the server (its data is gone: it keeps nothing on disk)."""
        if self.process is None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def freeze(self) -> None:
        """Stop the process without closing its sockets: connections open, nothing answered."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.process is not None and self.frozen:
            os.kill(self.process.pid, signal.SIGCONT)
            self.frozen = False

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class MisbehavingHttpServer:
    """An HTTP server on loopback that reads each request, then misbehaves.

    ``silent``: never answers (the connection stays open). ``trickle``: answers a valid-looking
    response one byte every ``interval`` seconds, so no single read ever waits long. With
    ``tls=True`` it misbehaves one step earlier, in the TLS handshake of an ``https`` URL: it
    reads the client's hello and then never answers, or trickles a server hello that announces
    a long record. Either way the connection is dropped after ``give_up`` seconds, so a client
    without a deadline fails a test instead of hanging it; ``hung_up`` counts the connections
    the client closed first.
    """

    def __init__(
        self, mode: str, *, tls: bool = False, interval: float = 0.2, give_up: float = 20.0
    ) -> None:
        assert mode in ("silent", "trickle")
        self.mode = mode
        self.tls = tls
        self.interval = interval
        self.give_up = give_up
        self.requests = 0
        self.hung_up = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._connections: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> MisbehavingHttpServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._connections.append(thread)

    def wait_for_connections(self) -> None:
        """Wait until every connection so far has ended (hung up by the client, or given up)."""
        for thread in list(self._connections):
            thread.join(timeout=self.give_up + 5)

    def _read_request(self, conn: socket.socket) -> bool:
        received = b""
        # A TLS client hello is a single write; an HTTP request ends with an empty line.
        while not self._stopped.is_set() and not (
            received if self.tls else b"\r\n\r\n" in received
        ):
            with contextlib.suppress(TimeoutError):
                chunk = conn.recv(65536)
                if not chunk:
                    return False
                received += chunk
        return bool(received)

    def _answer(self) -> bytes:
        if self.tls:
            # A TLS record header announcing a 16 KiB handshake record (a server hello and
            # certificate would follow), then filler.
            return b"\x16\x03\x03\x40\x00\x02" + b"\x00" * 16_000
        body = b'{"keys": [' + b" " * 100_000 + b"]}"
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    @staticmethod
    def _client_left(conn: socket.socket) -> bool:
        readable, _, _ = select.select([conn], [], [], 0)
        if not readable:
            return False
        try:
            return not conn.recv(65536)
        except TimeoutError:
            return False
        except OSError:
            return True

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(0.1)
            if not self._read_request(conn):
                return
            self.requests += 1
            until = time.monotonic() + self.give_up
            for byte in self._answer():
                if self._stopped.wait(self.interval) or time.monotonic() > until:
                    return
                if self._client_left(conn):
                    self.hung_up += 1
                    return
                if self.mode == "trickle":
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        self.hung_up += 1
                        return

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        for thread in self._threads + self._connections:
            thread.join(timeout=2)

    def __enter__(self) -> MisbehavingHttpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
