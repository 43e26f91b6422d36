"""Canvas failures in our own terms, translated from canvasapi and requests at the gateway.

Nothing outside :mod:`ctom_lti.canvas` sees a canvasapi or requests exception: the gateway turns
each into one of these, keeping the original as ``__cause__``. They are :class:`CtomError` s, so
a view that lets one escape still shows a page that says what to do, and the CLI prints the
message and hint on one line each.

``canvas_status`` is the HTTP status Canvas answered (``None`` when no answer arrived);
``status`` is what *our* error page answers with.
"""

from __future__ import annotations

from ctom_lti.errors import CtomError


class CanvasError(CtomError):
    """Canvas refused or failed a request."""

    status = 502
    title = "Canvas did not do what was asked"
    message = "Canvas returned an error."
    hint = "Try again in a few minutes. If it keeps happening, check Canvas's status page."
    #: True when the failure may go away by itself (throttling, outages, timeouts).
    transient = False

    def __init__(
        self,
        message: str | None = None,
        *,
        hint: str | None = None,
        canvas_status: int | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.canvas_status = canvas_status
        #: ``METHOD path`` of the request that failed, without host or query (never the token).
        self.endpoint = endpoint


class CanvasAuthError(CanvasError):
    """Canvas rejected the API token (401: invalid, expired or revoked)."""

    title = "Canvas rejected the API token"
    message = "Canvas rejected the API token (invalid, expired or revoked)."
    hint = (
        "Create a new access token in Canvas (Account > Settings > New access token) and pass it "
        "with --token-stdin or CTOM_CANVAS_TOKEN."
    )


class CanvasPermissionDenied(CanvasError):
    """The token's user may not do this (403 other than throttling, or 401 without a challenge)."""

    title = "Not allowed in Canvas"
    message = "The Canvas user behind the API token is not allowed to do this."
    hint = "Use a token of a Canvas account administrator for the cohort's account."


class CanvasNotFound(CanvasError):
    """The Canvas object does not exist (404)."""

    status = 404
    title = "Not found in Canvas"
    message = "Canvas has no such object."
    hint = "Check the id (course, account, user) and that it was not deleted in Canvas."


class CanvasBadRequest(CanvasError):
    """Canvas refused the request's content (400, 409 or 422)."""

    title = "Canvas refused the request"
    hint = "Check the values sent; the message above quotes what Canvas objected to."


class CanvasThrottled(CanvasError):
    """Canvas's rate limit answered ``403 Rate Limit Exceeded`` (or 429); nothing was executed."""

    title = "Canvas is throttling requests"
    message = "Canvas's rate limit was exceeded."
    hint = "Wait a minute and run again; sync slows down by itself when Canvas asks it to."
    transient = True


class CanvasUnavailable(CanvasError):
    """Canvas could not be reached or failed (5xx, timeout, refused or dropped connection)."""

    title = "Canvas is unavailable"
    message = "Canvas could not be reached or answered with a server error."
    hint = "Check the Canvas URL and your network, then run again."
    transient = True


class CanvasWriteUncertain(CanvasUnavailable):
    """A create may or may not have happened: the request was sent but no answer came back.

    Retrying blindly could make a duplicate; look for the object first (the sync runner does).
    """

    message = "Canvas did not confirm a change that it may have made."
    hint = "Run sync again: it looks for what may have been created before creating it again."
