"""A record of every request the sandbox answered, so tests can count API calls.

``log.count(method="POST")`` and ``log.writes()`` look at the REST API (``/api/v1/``) by
default, because that is what a sync run's "no wasted calls" targets are about; pass
``path_prefix="/api/lti/"`` for LTI Advantage services, or ``"/"`` for everything. Access
tokens never reach the log (``access_token`` query values are masked; headers are not kept).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime

from ctom_lti.sandbox.knobs import WRITE_METHODS

_TOKEN_IN_QUERY = re.compile(r"((?:^|&)(?:access_token|api_key)=)[^&]*")


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    #: the raw query string, with any access token masked
    query: str
    #: HTTP status sent, or None when the connection was dropped without a response
    status: int | None
    time: datetime
    duration_ms: float
    #: the injected fault's name ("error", "throttle", "drop", …), or None
    fault: str | None = None

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS


def mask_query(query: str) -> str:
    return _TOKEN_IN_QUERY.sub(r"\1[masked]", query)


class RequestLog:
    """Thread-safe, append-only (until :meth:`clear`) list of :class:`LoggedRequest`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def entries(
        self,
        *,
        method: str | None = None,
        path_prefix: str | None = "/api/v1/",
        status: int | None = None,
        fault: str | None = None,
    ) -> list[LoggedRequest]:
        """Requests matching every given filter, oldest first."""
        with self._lock:
            snapshot = list(self._entries)
        return [
            e
            for e in snapshot
            if (method is None or e.method == method.upper())
            and (path_prefix is None or e.path.startswith(path_prefix))
            and (status is None or e.status == status)
            and (fault is None or e.fault == fault)
        ]

    def count(
        self,
        *,
        method: str | None = None,
        path_prefix: str | None = "/api/v1/",
        status: int | None = None,
        fault: str | None = None,
    ) -> int:
        return len(self.entries(method=method, path_prefix=path_prefix, status=status, fault=fault))

    def writes(self, path_prefix: str | None = "/api/v1/") -> list[LoggedRequest]:
        """POST/PUT/PATCH/DELETE requests (REST API by default)."""
        return [e for e in self.entries(path_prefix=path_prefix) if e.is_write]

    def reads(self, path_prefix: str | None = "/api/v1/") -> list[LoggedRequest]:
        """GET/HEAD requests (REST API by default)."""
        return [e for e in self.entries(path_prefix=path_prefix) if not e.is_write]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
