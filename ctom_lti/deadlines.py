"""A total deadline for each outbound HTTP call, from name lookup to the last byte of the body.

A timeout in ``requests`` bounds each connect and each socket read, not the call: a server that
sends a byte every few seconds never trips it and holds the worker until gunicorn kills it, and
neither the name lookup (``getaddrinfo`` has no timeout at all) nor the TLS handshake of a server
that answers it a byte at a time is bounded by the remaining time. So every call made through a
:class:`DeadlineAdapter` inside :func:`watched` has a *deadline*:

- the name is looked up in a helper thread that the call waits for only as long as time remains
  (a numeric address needs no lookup and no thread);
- the TCP connect waits at most the remaining time;
- a watchdog thread (one per process) shuts down the call's sockets when the deadline passes,
  which ends whatever handshake or read is waiting on them.

The socket is watched through a duplicate of its descriptor from the moment it connects: the TLS
layer takes the original socket object over, but shutting down the duplicate ends the handshake
all the same. Connections whose call finished in time go back to the pool as usual.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from ctom_lti.errors import DependencyUnavailable


class CallTimedOut(requests.Timeout, DependencyUnavailable):
    """The call did not finish within its total deadline.

    A ``requests.Timeout``, so callers that handle timeouts handle this alike; and a 503 page
    that says what to do should one reach a view. Its text (which names the address) is for the
    log; the page keeps the message below.
    """

    title = "An outside service did not answer in time"
    message = "A service CTO Mentor called did not answer in time."


class Watch:
    """One call's deadline and the sockets it uses, shut down together when the deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.due = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._owned: list[socket.socket] = []
        self._done = False
        self._expired = False

    @property
    def expired(self) -> bool:
        # Also true just before the watchdog has run: a lookup or connect may notice first.
        return self._expired or time.monotonic() >= self.due

    def remaining(self) -> float:
        return self.due - time.monotonic()

    def track(self, sock: socket.socket | None, *, owned: bool = False) -> None:
        """Shut ``sock`` down when the deadline passes; ``owned`` ones are closed at the end."""
        if sock is None:
            return
        with self._lock:
            if not self._expired and not self._done:
                (self._owned if owned else self._sockets).append(sock)
                return
        _shut(sock)  # the deadline passed while connecting
        if owned:
            sock.close()

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._expired = True
            sockets = self._sockets + self._owned
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        with self._lock:
            self._done = True
            owned, self._owned, self._sockets = self._owned, [], []
        for sock in owned:
            sock.close()


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS sockets: it ends a read blocked in another thread
    # without touching the TLS object that read is using.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """Expires watches at their deadlines, from one thread per process.

    One long-lived thread rather than a timer per call: starting a thread waits for it to be
    scheduled, which on a busy machine costs more than the call it guards.
    """

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._due: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._pid = 0

    def watch(self, watch: Watch) -> None:
        with self._wakeup:
            if self._pid != os.getpid():  # first use in this process (or a forked worker)
                self._pid = os.getpid()
                self._due = []
                threading.Thread(target=self._run, name="http-deadlines", daemon=True).start()
            heapq.heappush(self._due, (watch.due, next(self._order), watch))
            self._wakeup.notify()

    def _run(self) -> None:
        with self._wakeup:
            while True:
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    heapq.heappop(self._due)[2].expire()
                self._wakeup.wait(self._due[0][0] - now if self._due else None)


_watchdog = _Watchdog()
_current = threading.local()


def current() -> Watch | None:
    """The watch of the call running in this thread, if any."""
    return getattr(_current, "watch", None)


@contextlib.contextmanager
def watched(seconds: float) -> Iterator[Watch]:
    """Run one call under a deadline ``seconds`` from now (an outer deadline still applies)."""
    watch = Watch(seconds)
    outer = current()
    _current.watch = watch
    _watchdog.watch(watch)
    try:
        yield watch
    finally:
        watch.finish()
        _current.watch = outer


# Name lookups ------------------------------------------------------------------------------------
#: At most this many lookups wait on a slow resolver at once; later ones wait for a slot, within
#: their own deadline, rather than piling up threads.
_LOOKUP_SLOTS = threading.BoundedSemaphore(8)

_AddrInfo = list[tuple[Any, Any, Any, str, Any]]


def resolve(host: str, port: int, family: int, seconds: float) -> _AddrInfo:
    """``getaddrinfo`` for a stream socket, given up after ``seconds``.

    The lookup itself cannot be interrupted: it goes on in a daemon thread (holding a slot) and
    its answer is dropped; the caller gets :class:`TimeoutError` at once.
    """
    with contextlib.suppress(socket.gaierror):
        return socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    started = time.monotonic()
    if not _LOOKUP_SLOTS.acquire(timeout=max(seconds, 0.0)):
        raise TimeoutError(f"no free slot to look up {host!r} in time")
    answer: list[_AddrInfo] = []
    failure: list[Exception] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, family, socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller as it is
            failure.append(exc)
        finally:
            _LOOKUP_SLOTS.release()
            done.set()

    threading.Thread(target=lookup, name="http-lookup", daemon=True).start()
    if not done.wait(max(seconds - (time.monotonic() - started), 0.0)):
        raise TimeoutError(f"looking up {host!r} took longer than the deadline")
    if failure:
        raise failure[0]
    return answer[0]


def _connect(conn: HTTPConnection, watch: Watch) -> socket.socket:
    """urllib3's ``create_connection``, with every step held to the watch's deadline."""
    host = conn._dns_host.strip("[]")
    try:
        addresses = resolve(host, conn.port or 0, allowed_gai_family(), watch.remaining())
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Looking up {conn.host} timed out.") from exc
    error: OSError | None = None
    for family, kind, proto, _name, address in addresses:
        remaining = watch.remaining()
        if remaining <= 0:
            break
        sock = socket.socket(family, kind, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            limit = conn.timeout if isinstance(conn.timeout, float | int) else None
            sock.settimeout(remaining if limit is None else min(limit, remaining))
            if conn.source_address:
                sock.bind(conn.source_address)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        # A duplicate descriptor: the TLS layer takes ``sock`` over, but shutting the duplicate
        # down ends a handshake that hangs all the same.
        watch.track(sock.dup(), owned=True)
        return sock
    if error is None or isinstance(error, TimeoutError):
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out (deadline).")
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}") from error


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        watch = current()
        return super()._new_conn() if watch is None else _connect(self, watch)

    def getresponse(self) -> Any:
        watch = current()
        if watch is not None:
            watch.track(self.sock)  # a pooled connection is reused without connecting
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        watch = current()
        return super()._new_conn() if watch is None else _connect(self, watch)

    def getresponse(self) -> Any:
        watch = current()
        if watch is not None:
            watch.track(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections keep to the deadline of the call running in their thread.

    Outside :func:`watched` it behaves like a plain ``HTTPAdapter``. With ``deadline`` set, each
    request it sends that is not already inside a watched call gets that deadline of its own,
    body included, and raises :class:`CallTimedOut` when it passes.
    """

    def __init__(self, *args: Any, deadline: float | None = None, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if self.deadline is None or current() is not None:
            return super().send(request, *args, **kwargs)
        with watched(self.deadline) as watch:
            try:
                response = super().send(request, *args, **kwargs)
                if not kwargs.get("stream"):
                    _ = response.content  # the body is part of the call
                return response
            except requests.RequestException as exc:
                if watch.expired:
                    raise CallTimedOut(
                        f"no complete answer from {request.url!r} within {self.deadline:g} s"
                    ) from exc
                raise


__all__ = ["CallTimedOut", "DeadlineAdapter", "Watch", "current", "watched"]
