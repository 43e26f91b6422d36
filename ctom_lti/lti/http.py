"""Outbound HTTP for the LTI layer: one ``requests`` session whose every call has a deadline.

pylti1p3 calls ``requests`` without timeouts (pylti1p3-notes.md §2.2), so a slow Canvas could
hang a worker forever; this session is passed to it as ``requests_session=``.

Besides the per-read timeout, every call has a total deadline (:mod:`ctom_lti.deadlines`) that
covers the name lookup, the connect, the TLS handshake, redirects and reading the body, but not
``stream=True`` bodies read after the call returns (nothing here streams). When it passes the
call raises :class:`DeadlineExceeded` (a ``requests.Timeout``, so callers handle both alike).
"""

from __future__ import annotations

from typing import Any

import requests

from ctom_lti.deadline_adapter import DeadlineAdapter
from ctom_lti.deadlines import CallTimedOut, watched
from ctom_lti.lti.advantage import ServiceUnavailable

USER_AGENT = "ctom-lti (LTI 1.3 tool)"


class DeadlineExceeded(ServiceUnavailable, CallTimedOut):
    """The call did not finish within its total deadline (a 503 page if it reaches a view)."""

    title = "Canvas did not answer in time"
    message = "Canvas did not answer CTO Mentor in time."


class TimeoutSession(requests.Session):
    """A ``requests.Session`` with a default ``timeout`` and a total deadline on every call."""

    def __init__(self, timeout: float | tuple[float, float], deadline: float) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.deadline = deadline
        self.headers["User-Agent"] = USER_AGENT
        adapter = DeadlineAdapter()
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        with watched(self.deadline) as watch:
            try:
                return super().request(method, url, *args, **kwargs)
            except requests.RequestException as exc:
                if watch.expired:
                    raise DeadlineExceeded(
                        f"no complete answer from {url!r} within {self.deadline:g} s"
                    ) from exc
                raise


def make_http_session(
    connect_timeout: float = 5.0, read_timeout: float = 10.0, deadline: float = 10.0
) -> TimeoutSession:
    """A session with (connect, read) timeouts and a total deadline per call, in seconds."""
    return TimeoutSession((connect_timeout, read_timeout), deadline)
