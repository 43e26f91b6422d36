"""Small request helpers shared by the platform's endpoints."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.store import Store

# Rack's status names, which Canvas puts in ``errors.type`` (canvas-lti.md §5.1).
_STATUS_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    412: "precondition_failed",
    422: "unprocessable_entity",
}


def store() -> Store:
    return current_sandbox().store


def base_url() -> str:
    """``scheme://host[:port]`` of this request: every URL the platform hands out uses it."""
    return request.host_url.rstrip("/")


def token_url() -> str:
    return f"{base_url()}/login/oauth2/token"


def params() -> dict[str, str]:
    """Query and form parameters together (Canvas accepts both for the OIDC endpoints)."""
    merged = request.args.to_dict(flat=True)
    merged.update(request.form.to_dict(flat=True))
    return merged


def service_error(message: str, status: int) -> Response:
    """Canvas's LTI Advantage error body: ``{"errors": {"type", "message"}}`` (§5.1)."""
    response = jsonify({"errors": {"type": _STATUS_TYPES.get(status, "error"), "message": message}})
    response.status_code = status
    return response


def reject(title: str, message: str, status: int = 400) -> Response:
    """An HTML error page: nothing is posted to the tool (canvas-lti.md §3.2 ``reject!``)."""
    body = render_template(
        "sandbox_platform/error.html", title=title, message=message, status=status
    )
    return Response(body, status=status, mimetype="text/html")


def json_response(payload: Any, media_type: str, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.mimetype = media_type
    return response
