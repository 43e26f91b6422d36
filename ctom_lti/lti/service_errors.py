"""What a failed LTI Advantage call becomes: one of the tool's errors, never a pylti1p3 one.

The roster and gradebook clients run every platform call inside :func:`translated`, so callers
see :class:`~ctom_lti.lti.advantage.ServiceUnavailable` (no answer, scope missing) or
:class:`~ctom_lti.lti.advantage.PlatformServiceError` (Canvas answered with an error).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from pylti1p3.exception import LtiException, LtiServiceException

from ctom_lti.lti.advantage import PlatformServiceError, ServiceUnavailable

log = logging.getLogger(__name__)


def platform_message(response: requests.Response | None) -> str:
    """Canvas's own words from an error body (``{"errors": {"message"}}``, ``{"error"}``, or
    ``{"error_description"}`` from the token endpoint, or a short plain-text body), else the
    status line."""
    if response is None:
        return "no answer"
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict) and isinstance(errors.get("message"), str):
            return str(errors["message"])
        for key in ("error_description", "error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    # A short plain-text body is Canvas's own words too (its throttle answers
    # "403 Forbidden (Rate Limit Exceeded)", canvas-rest.md §1.4); an HTML page is not.
    text = (response.text or "").strip() if body is None else ""
    if text and len(text) <= 200 and not text.startswith("<"):
        return text
    return f"HTTP {response.status_code} {response.reason or ''}".strip()


@contextmanager
def translated(action: str) -> Iterator[None]:
    """Run a platform call; turn library and transport failures into the tool's errors.

    :param action: what was being done, for the message (e.g. "read the course roster").
    """
    try:
        yield
    except LtiServiceException as exc:
        response = getattr(exc, "response", None)
        detail = platform_message(response)
        status = response.status_code if response is not None else 502
        log.warning("Canvas refused to %s: %s (HTTP %s)", action, detail, status)
        raise PlatformServiceError(
            f"Canvas refused to {action}: {detail}", platform_status=status
        ) from exc
    except LtiException as exc:
        raise ServiceUnavailable(f"Canvas did not allow CTO Mentor to {action}: {exc}") from exc
    except requests.Timeout as exc:
        raise ServiceUnavailable(f"Canvas did not answer in time when asked to {action}.") from exc
    except requests.RequestException as exc:
        raise ServiceUnavailable(f"Canvas could not be reached to {action}.") from exc
