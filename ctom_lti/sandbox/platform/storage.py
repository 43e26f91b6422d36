"""LTI Platform Storage: the ``post_message_forwarding`` frame (canvas-lti.md §8).

Canvas hosts a hidden sibling frame of that name beside the tool's iframe, on the OIDC auth
origin. Tools post ``lti.put_data`` / ``lti.get_data`` to it with that exact target origin; it
keeps the values in its own localStorage, per tool origin. Here the auth origin is the sandbox's
own, so the frame is served from the sandbox's host.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

bp = Blueprint(
    "lti_storage",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/lti-platform-static",
)


@bp.route("/post_message_forwarding", methods=["GET"])
def post_message_forwarding() -> Response:
    """canvas-lti.md §8: the frame page; its script answers the storage messages."""
    response = Response(
        render_template("sandbox_platform/post_message_forwarding.html"), mimetype="text/html"
    )
    # Only a Canvas page of the same origin may embed the frame.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
