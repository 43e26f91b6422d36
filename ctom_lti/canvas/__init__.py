"""The only package that imports canvasapi: gateway, DTOs, errors, retry and throttling.

Build a gateway with :func:`make_canvas_gateway` and pass it to the services that need Canvas.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

from canvasapi import Canvas

from ctom_lti.canvas.errors import CanvasError
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas.retry import (
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    CallCounter,
    CanvasTransport,
    RetryPolicy,
    Throttle,
)

__all__ = ["CanvasError", "CanvasGateway", "RetryPolicy", "Throttle", "make_canvas_gateway"]


def normalise_base_url(url: str) -> str:
    """The Canvas address as canvasapi wants it: no trailing slash, no ``/api/v1``."""
    url = url.strip().rstrip("/")
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")]
    return url


def make_canvas_gateway(
    url: str,
    token: str,
    *,
    concurrency: int = 8,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    retry_policy: RetryPolicy | None = None,
    throttle: Throttle | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CanvasGateway:
    """A gateway to the Canvas at ``url`` acting as the owner of ``token``.

    :param concurrency: how many requests may be in flight at once (sizes the connection pool).
    :param deadline: the most one request may take in all, in seconds (lookup to body).
    :param throttle: shared pacing; pass one to share it between gateways for the same token.
    """
    base_url = normalise_base_url(url)
    counter = CallCounter()
    with warnings.catch_warnings():
        # canvasapi warns about plain-HTTP URLs; the local sandbox and tests use them on purpose.
        warnings.simplefilter("ignore", UserWarning)
        canvas = Canvas(base_url, token)
    throttle = throttle or Throttle(sleep=sleep)
    throttle.count_into(counter)
    transport = CanvasTransport(
        throttle=throttle,
        counter=counter,
        timeout=timeout,
        deadline=deadline,
        pool_size=max(concurrency, 2),
    )
    session = canvas._Canvas__requester._session
    session.mount("http://", transport)
    session.mount("https://", transport)
    return CanvasGateway(
        canvas, base_url=base_url, counter=counter, retry_policy=retry_policy, sleep=sleep
    )
