"""Canvas failures as our errors: canvasapi and requests exceptions -> :class:`CanvasError` s.

The status rules follow canvas-rest.md §0.2; the error bodies §1.3.
"""

from __future__ import annotations

import json
import re

import requests
from canvasapi import exceptions as cx
from urllib3.exceptions import ConnectTimeoutError

from ctom_lti.canvas.convert import MalformedReply
from ctom_lti.canvas.errors import (
    CanvasAuthError,
    CanvasBadRequest,
    CanvasError,
    CanvasNotFound,
    CanvasPermissionDenied,
    CanvasThrottled,
    CanvasUnavailable,
    CanvasWriteUncertain,
)

_STATUS_IN_MESSAGE = re.compile(r"status code (\d{3})")


def _canvas_message(raw: str) -> str:
    """Shorten Canvas's three error-body styles (canvas-rest.md §1.3) to one readable line."""
    try:
        body = json.loads(raw)
    except ValueError:
        return raw.strip()[:300]
    parts: list[str] = []
    if isinstance(body, list):
        # The Conversations API's ``[{"attribute": …, "message": …}]``
        for e in body:
            if isinstance(e, dict):
                parts.append(": ".join(str(e[k]) for k in ("attribute", "message") if e.get(k)))
    if isinstance(body, dict):
        errors = body.get("errors", body.get("message", body.get("error")))
        if isinstance(errors, str):
            parts.append(errors)
        elif isinstance(errors, list):
            parts.extend(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
            )
        elif isinstance(errors, dict):
            for attr, problems in errors.items():
                for p in problems if isinstance(problems, list) else [problems]:
                    text = p.get("message", p) if isinstance(p, dict) else p
                    parts.append(f"{attr}: {text}")
    return ("; ".join(parts) or raw.strip())[:300]


def translate_error(exc: Exception, *, endpoint: str, write: bool) -> CanvasError:
    """Map a canvasapi or requests exception to ours (canvas-rest.md §0.2 for the status rules).

    :param write: whether the request could have changed something; decides whether a lost
        answer is :class:`CanvasWriteUncertain` or plain :class:`CanvasUnavailable`.
    """
    if isinstance(exc, cx.CanvasException):
        return _from_canvasapi(exc, endpoint, write)
    if isinstance(exc, requests.RequestException):
        return _from_transport(exc, endpoint, write)
    if isinstance(exc, MalformedReply):
        # JSON, but without the id every Canvas object carries: not something to build on.
        return CanvasError(
            f"Canvas answered {endpoint} without a usable {exc.field!r}.",
            hint=(
                "Check that the Canvas URL is the institution's Canvas address, not a proxy or "
                "another service; if it is, run again (a sync looks for what a change already "
                "made before making it again)."
            ),
            endpoint=endpoint,
        )
    if isinstance(exc, ValueError):
        # A 200 whose body is not JSON: a proxy or login page in front of Canvas.
        return CanvasError(
            f"Canvas answered {endpoint} with something that is not API JSON.",
            hint="Check that the Canvas URL is the institution's Canvas address.",
            endpoint=endpoint,
        )
    return CanvasError(f"{endpoint} failed: {exc}", endpoint=endpoint)


def _from_canvasapi(exc: cx.CanvasException, endpoint: str, write: bool) -> CanvasError:
    text = str(exc)
    if isinstance(exc, cx.InvalidAccessToken):
        return CanvasAuthError(canvas_status=401, endpoint=endpoint)
    if isinstance(exc, cx.Forbidden) and "Rate Limit Exceeded" in text:
        # canvasapi 3.4 raised RateLimitExceeded for the 403; 3.6 raises plain Forbidden for it
        # and RateLimitExceeded only for 429. Both mean "not executed, slow down".
        status = 429 if isinstance(exc, cx.RateLimitExceeded) else 403
        return CanvasThrottled(canvas_status=status, endpoint=endpoint)
    refusals: tuple[tuple[type[cx.CanvasException], type[CanvasError], int], ...] = (
        # 401 without a WWW-Authenticate challenge is Canvas's older "not authorised" answer.
        (cx.Unauthorized, CanvasPermissionDenied, 401),
        (cx.Forbidden, CanvasPermissionDenied, 403),
        (cx.BadRequest, CanvasBadRequest, 400),
        (cx.Conflict, CanvasBadRequest, 409),
        (cx.UnprocessableEntity, CanvasBadRequest, 422),
    )
    for exc_cls, ours, status in refusals:
        if isinstance(exc, exc_cls):
            message = f"Canvas refused {endpoint}: {_canvas_message(text)}"
            return ours(message, canvas_status=status, endpoint=endpoint)
    if isinstance(exc, cx.ResourceDoesNotExist):
        message = f"Canvas has no such object ({endpoint})."
        return CanvasNotFound(message, canvas_status=404, endpoint=endpoint)
    match = _STATUS_IN_MESSAGE.search(text)
    status_code = int(match.group(1)) if match else None
    if status_code is not None and status_code >= 500:
        uncertain = CanvasWriteUncertain if write else CanvasUnavailable
        message = f"Canvas failed {endpoint} (HTTP {status_code})."
        return uncertain(message, canvas_status=status_code, endpoint=endpoint)
    message = f"Canvas refused {endpoint}: {text[:300]}"
    return CanvasError(message, canvas_status=status_code, endpoint=endpoint)


def _from_transport(exc: requests.RequestException, endpoint: str, write: bool) -> CanvasError:
    uncertain = CanvasWriteUncertain if write else CanvasUnavailable
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
            # Never connected, so nothing was sent: safe to retry even a create.
            return CanvasUnavailable(
                f"Could not connect to Canvas for {endpoint}.", endpoint=endpoint
            )
        return uncertain(f"The connection to Canvas dropped during {endpoint}.", endpoint=endpoint)
    if isinstance(exc, requests.Timeout):
        return uncertain(f"Canvas did not answer {endpoint} in time.", endpoint=endpoint)
    message = f"Talking to Canvas failed during {endpoint}: {exc}"
    return CanvasUnavailable(message, endpoint=endpoint)
