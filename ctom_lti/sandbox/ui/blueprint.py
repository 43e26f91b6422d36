"""The sandbox web UI's blueprint, its error page and what every template can use."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.platform.launches import LaunchRefused
from ctom_lti.sandbox.platform.session import current_user
from ctom_lti.sandbox.ui.access import UiError, csrf_token

bp = Blueprint(
    "sandbox_ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/sandbox-ui-static",
)


@bp.errorhandler(UiError)
def _ui_error(exc: UiError) -> tuple[str, int]:
    return render_template("sandbox_ui/error.html", error=exc), exc.status


@bp.errorhandler(LaunchRefused)
def _launch_refused(exc: LaunchRefused) -> tuple[str, int]:
    error = UiError("Cannot open the tool", exc.message, exc.status)
    return render_template("sandbox_ui/error.html", error=error), exc.status


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    store = current_sandbox().store
    user = current_user(store)
    return {
        "me": user,
        "is_admin": bool(user and (user.admin_of or user.site_admin)),
        "root_account_id": store.root_account_id,
        "csrf_token": csrf_token,
    }


def page(template: str, **context: Any) -> Response:
    """Render a UI page; pages are never cached (they show who is signed in)."""
    response = Response(render_template(template, **context), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
