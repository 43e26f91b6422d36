"""Outbound HTTP for the LTI layer: one ``requests`` session whose every call has a timeout.

pylti1p3 calls ``requests`` without timeouts (pylti1p3-notes.md §2.2), so a slow Canvas could
hang a worker forever; this session is passed to it as ``requests_session=``.
"""

from __future__ import annotations

from typing import Any

import requests

USER_AGENT = "ctom-lti (LTI 1.3 tool)"


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that applies a default ``timeout`` to every request."""

    def __init__(self, timeout: float | tuple[float, float]) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def make_http_session(connect_timeout: float = 5.0, read_timeout: float = 10.0) -> TimeoutSession:
    """A session with (connect, read) timeouts in seconds."""
    return TimeoutSession((connect_timeout, read_timeout))
