"""Errors the tool raises on purpose, and the one place they become HTTP responses.

Every error carries a message for the person in front of the screen (what happened) and a hint
(what to do). Stack traces never reach users; unexpected failures are logged and answered with a
generic 500 page that still says what to do.

Error pages never depend on the session: they must render when the session store itself is what
failed (the session may not even have been opened).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class CtomError(Exception):
    """Base class: an expected failure with a user-facing message and hint."""

    status = 400
    title = "Something was not right"
    message = "The request could not be handled."
    hint = "Go back and try again. If it keeps happening, contact your programme administrator."

    def __init__(self, message: str | None = None, *, hint: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if hint:
            self.hint = hint


class BadRequest(CtomError):
    """The request was malformed or incomplete."""

    status = 400
    title = "Bad request"


class NotAuthenticated(CtomError):
    """No valid launch or session: the person must open the tool from Canvas."""

    status = 401
    title = "Please open the tool from Canvas"
    message = "Your session has expired or this page was opened outside Canvas."
    hint = "Go back to your Canvas course and open CTO Mentor from the course navigation."


class Forbidden(CtomError):
    """The person is known but may not do this."""

    status = 403
    title = "Not allowed"
    message = "You do not have access to this page."
    hint = "If you think you should, ask your instructor or programme administrator."


class NotFound(CtomError):
    """The thing asked for does not exist (or is not visible to this person)."""

    status = 404
    title = "Not found"
    message = "We could not find what you asked for."


class Conflict(CtomError):
    """Someone else changed the thing first; nothing was overwritten."""

    status = 409
    title = "Changed by someone else"
    message = "This was changed by someone else while you were editing."
    hint = (
        "Reload the page to see the latest version; your text is kept below so you can re-apply it."
    )


class Unprocessable(CtomError):
    """Well-formed input that fails validation."""

    status = 422
    title = "Please check what you entered"


class LaunchError(CtomError):
    """An LTI launch that failed validation. Nothing from it is stored."""

    status = 400
    title = "This launch could not be accepted"
    hint = (
        "Go back to Canvas and open the tool again from the course. If it keeps failing, "
        "ask your Canvas administrator to check the CTO Mentor developer key and deployment."
    )


class DependencyUnavailable(CtomError):
    """Something the tool relies on is not answering; the request may succeed a little later."""

    status = 503
    title = "Temporarily unavailable"
    message = "A service CTO Mentor relies on is not answering."
    hint = "Try again in a minute. Nothing has been changed."
    #: Seconds a client should wait before trying again (the ``Retry-After`` header).
    retry_after = 30


class DatabaseUnavailable(DependencyUnavailable):
    """The tool's database cannot be reached, refuses connections, or cannot be opened."""

    title = "CTO Mentor cannot reach its database"
    message = (
        "The tool's database, which keeps the programme's people, pairings and work, is "
        "unavailable right now, so this page cannot be opened or saved."
    )
    hint = (
        "Try again in a minute (use your browser's Back button to return to anything you were "
        "typing: nothing was saved). If it keeps happening, tell your programme administrator: "
        "the tool's database server is not answering."
    )


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database could not be reached or opened (connection refused
    or lost, a file that cannot be opened, no free connection in time), not that a statement
    was wrong or the schema is missing (those stay server errors)."""
    from ctom_lti.migrate import schema_not_ready

    if isinstance(exc, sa_exc.TimeoutError):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError) and not schema_not_ready(exc)


class SessionStoreUnavailable(DependencyUnavailable):
    """The shared store of sign-ins and sessions (Redis) cannot be reached or does not answer."""

    title = "CTO Mentor cannot reach its session store"
    message = (
        "The tool's session store, which keeps sign-ins from Canvas, is unavailable right now, "
        "so this page cannot be opened."
    )
    hint = (
        "Try again in a minute (use your browser's Back button to return to anything you were "
        "typing). If it keeps happening, tell your programme administrator: the tool's Redis "
        "server is not answering."
    )


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, title: str, message: str, hint: str) -> tuple[Any, int]:
    """Render the error page (or JSON for API clients) with the given status."""
    if _wants_json():
        return {"error": title, "message": message, "hint": hint}, status
    # Straight from the template environment: Flask's ``render_template`` would add the session
    # to the context, which fails when the session could not be opened.
    template = current_app.jinja_env.get_template("errors/error.html")
    html = template.render(status=status, title=title, message=message, hint=hint)
    return html, status


def _render_ctom_error(exc: CtomError) -> tuple[Any, int] | Response:
    if exc.status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message)
    body, status = render_error(exc.status, exc.title, exc.message, exc.hint)
    if isinstance(exc, DependencyUnavailable):
        response = current_app.make_response((body, status))
        response.headers["Retry-After"] = str(exc.retry_after)
        response.headers["Cache-Control"] = "no-store"
        return response
    return body, status


_HTTP_HINTS = {
    400: "Go back and try again.",
    401: NotAuthenticated.hint,
    403: Forbidden.hint,
    404: "Check the address, or go back to the tool's home page from Canvas.",
    405: "Use the buttons and links in the tool rather than typing addresses.",
    413: "The form you sent was too large. Shorten it (or attach a smaller file) and try again.",
    429: "Too many requests. Wait a moment and try again.",
}


def register_error_handlers(app: Flask) -> None:
    """Map our errors, HTTP errors and unexpected exceptions to friendly pages."""

    @app.errorhandler(CtomError)
    def _ctom_error(exc: CtomError) -> tuple[Any, int] | Response:
        return _render_ctom_error(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Any, int] | Response:
        original = getattr(exc, "original_exception", None)
        if isinstance(exc, InternalServerError) and isinstance(original, CtomError):
            # Raised while the response was being finished (e.g. saving the session).
            return _render_ctom_error(original)
        if isinstance(exc, InternalServerError) and original and database_unavailable(original):
            log.error("Database unavailable: %s", original)
            return _render_ctom_error(DatabaseUnavailable())
        status = exc.code or 500
        hint = _HTTP_HINTS.get(status, "Go back and try again.")
        return render_error(status, exc.name, exc.description or exc.name, hint)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Any, int] | Response:
        if database_unavailable(exc):
            log.error("Database unavailable on %s %s: %s", request.method, request.path, exc)
            return _render_ctom_error(DatabaseUnavailable())
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(
            500,
            "Something went wrong on our side",
            "The tool hit an unexpected problem. Nothing you entered was lost.",
            "Try again in a minute. If it keeps happening, tell your programme administrator "
            "the time it happened so they can find it in the logs.",
        )
