"""The sandbox's Canvas REST API subset under ``/api/v1/`` (canvas-rest.md).

One small module per resource, each with its own blueprint nested in the ``canvas_api`` one,
which authenticates every request and renders errors as Canvas does.
"""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask, Response
from werkzeug.exceptions import HTTPException, InternalServerError

from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import authenticate

_RESOURCE_MODULES = (
    "accounts",
    "courses",
    "sections",
    "enrollments",
    "modules",
    "pages",
    "assignment_groups",
    "assignments",
    "submissions",
    "progress",
    "groups",
    "external_tools",
    "conversations",
)

_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def init_app(app: Flask) -> None:
    """Register the API on the sandbox app."""
    api = Blueprint("canvas_api", __name__, url_prefix="/api/v1")
    api.before_request(authenticate)
    for name in _RESOURCE_MODULES:
        module = importlib.import_module(f"ctom_lti.sandbox.rest.{name}")
        api.register_blueprint(module.bp)

    @api.route("/<path:unrouted>", methods=_ANY_METHOD)
    def unrouted(unrouted: str) -> Response:
        # canvas-rest.md §1.2: an unknown API path is a 404 [I body]
        raise errors.not_found()

    api.register_error_handler(errors.ApiError, _render_api_error)
    api.register_error_handler(HTTPException, _render_http_error)
    app.register_blueprint(api)


def _render_api_error(exc: errors.ApiError) -> Response:
    return exc.response()


def _render_http_error(exc: HTTPException) -> Response:
    if isinstance(exc, InternalServerError):
        # canvas-rest.md §1.3: unhandled exception
        body = {
            "errors": [{"message": "An error occurred.", "error_code": "internal_server_error"}]
        }
        return errors.ApiError(500, body).response()
    if exc.code == 404:
        return errors.not_found().response()
    return errors.message(exc.description or exc.name, exc.code or 400).response()
