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

This module keeps the deadline and the watchdog; :mod:`ctom_lti.deadline_adapter` makes
``requests``' connections honour it (the lookup, the connect, the watched sockets).
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

import requests

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
