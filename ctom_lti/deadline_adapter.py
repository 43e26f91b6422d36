"""The ``requests`` adapter whose calls keep their total deadline (:mod:`ctom_lti.deadlines`):
the name lookup in a helper thread, the TCP connect within the remaining time, and every socket
handed to the call's watch from the moment it connects."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from ctom_lti.deadlines import CallTimedOut, Watch, current, watched

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


__all__ = ["DeadlineAdapter", "resolve"]
