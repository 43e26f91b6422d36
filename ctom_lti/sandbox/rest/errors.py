"""Canvas's error responses (canvas-rest.md §1), raised as :class:`ApiError` from any view."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

#: canvas-rest.md §1.1
WWW_AUTHENTICATE = 'Bearer realm="canvas-lms"'


class ApiError(Exception):
    """An error response with Canvas's status and body; rendered by the API error handler."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        resp = jsonify(self.body)
        resp.status_code = self.status
        resp.headers.update(self.headers)
        return resp


def invalid_token() -> ApiError:
    """Unknown or revoked token (§1.1)."""
    return ApiError(
        401,
        {"errors": [{"message": "Invalid access token."}]},
        {"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def unauthenticated() -> ApiError:
    """No credentials on an endpoint that needs a user (§1.1)."""
    return ApiError(
        401,
        {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]},
        {"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def unauthorized() -> ApiError:
    """Authenticated but not allowed (§1.1; the modern 403, so canvasapi raises Forbidden)."""
    return ApiError(
        403,
        {
            "status": "unauthorized",
            "errors": [{"message": "user not authorized to perform that action"}],
        },
    )


def not_found() -> ApiError:
    """RecordNotFound: bad id, bad SIS lookup, deleted object, wrong context (§1.2)."""
    return ApiError(404, {"errors": [{"message": "The specified resource does not exist."}]})


def message(text: str, status: int = 400) -> ApiError:
    """The ad hoc ``{"message": ...}`` bodies of some controllers (§1.3)."""
    return ApiError(status, {"message": text})


def error(text: str, status: int = 400) -> ApiError:
    """The ``{"error": ...}`` bodies of grading and submissions (§1.3, §4.10)."""
    return ApiError(status, {"error": text})


def model_errors(errors: dict[str, list[str]], status: int = 400) -> ApiError:
    """Model validation errors, InstructureHashReporter shape (§1.3 style 1).

    The error ``type`` equals the message when Canvas adds the error with a string.
    """
    return ApiError(
        status,
        {
            "errors": {
                attr: [{"attribute": attr, "type": msg, "message": msg} for msg in msgs]
                for attr, msgs in errors.items()
            }
        },
    )


def invalid_record(messages: list[tuple[str | None, str, str]]) -> ApiError:
    """``RecordInvalid`` raised, not rendered: Api::Errors::Reporter shape (§1.3 style 3).

    The status is Rails's default 422 — the reference marks it inferred (§10).
    """
    return ApiError(
        422,
        {
            "errors": [
                {"field": field, "message": msg, "error_code": code}
                for field, msg, code in messages
            ]
        },
    )
