"""Outbound HTTP for the LTI layer: one ``requests`` session whose every call has a deadline.

pylti1p3 calls ``requests`` without timeouts (pylti1p3-notes.md §2.2), so a slow Canvas could
hang a worker forever; this session is passed to it as ``requests_session=``.

A timeout in ``requests`` bounds each connect and each socket read, not the call: a server that
sends a byte every few seconds never trips it and holds the worker until gunicorn kills it. So
every call here also has a total *deadline*: a watchdog thread (one per process) shuts down the
call's sockets when it passes, which ends whatever read is waiting, and the call raises
:class:`DeadlineExceeded` (a ``requests.Timeout``, so callers handle both alike). Connections
whose call finished in time go back to the pool as usual. The deadline covers the whole call
including redirects and reading the body, but not ``stream=True`` bodies read after the call
returns (nothing here streams).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ctom_lti.lti.advantage import ServiceUnavailable

USER_AGENT = "ctom-lti (LTI 1.3 tool)"


class DeadlineExceeded(ServiceUnavailable, requests.Timeout):
    """The call did not finish within its total deadline (a 503 page if it reaches a view)."""

    title = "Canvas did not answer in time"


class _Watch:
    """The sockets of one call, shut down together when its deadline passes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._done = False
        self.expired = False

    def track(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)  # the deadline passed while connecting

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        with self._lock:
            self._done = True
            self._sockets = []


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
        self._due: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._pid = 0

    def watch(self, watch: _Watch, seconds: float) -> None:
        with self._wakeup:
            if self._pid != os.getpid():  # first use in this process (or a forked worker)
                self._pid = os.getpid()
                self._due = []
                threading.Thread(target=self._run, name="http-deadlines", daemon=True).start()
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), watch))
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


def _track(sock: Any) -> None:
    watch: _Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.track(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)

    def getresponse(self) -> Any:
        _track(self.sock)  # a pooled connection is reused without connecting
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)

    def getresponse(self) -> Any:
        _track(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose connections report their sockets to the running call's watch."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


class TimeoutSession(requests.Session):
    """A ``requests.Session`` with a default ``timeout`` and a total deadline on every call."""

    def __init__(self, timeout: float | tuple[float, float], deadline: float) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.deadline = deadline
        self.headers["User-Agent"] = USER_AGENT
        adapter = _WatchedAdapter()
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        watch = _Watch()
        outer = getattr(_current, "watch", None)
        _current.watch = watch
        _watchdog.watch(watch, self.deadline)
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.RequestException as exc:
            if watch.expired:
                raise DeadlineExceeded(
                    f"no complete answer from {url!r} within {self.deadline:g} s"
                ) from exc
            raise
        finally:
            watch.finish()
            _current.watch = outer


def make_http_session(
    connect_timeout: float = 5.0, read_timeout: float = 10.0, deadline: float = 10.0
) -> TimeoutSession:
    """A session with (connect, read) timeouts and a total deadline per call, in seconds."""
    return TimeoutSession((connect_timeout, read_timeout), deadline)
