"""The tool's own front page: what someone who opens the tool's address directly needs to know.

People use the tool inside Canvas; an administrator who types the tool's address into a browser
(as the README's demo invites) learns here that it opens from Canvas and where the two addresses
a Canvas developer key needs are.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

from ctom_lti.lti.config_json import JWKS_PATH, LAUNCH_PATH, LOGIN_PATH

bp = Blueprint("about", __name__)

CONFIG_PATH = "/lti/config.json"


@bp.get("/")
def index() -> Response:
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    body = render_template(
        "lti/about.html",
        title=current_app.config["LTI_TOOL_TITLE"],
        config_url=base + CONFIG_PATH,
        jwks_url=base + JWKS_PATH,
        login_url=base + LOGIN_PATH,
        launch_url=base + LAUNCH_PATH,
    )
    return current_app.response_class(body, mimetype="text/html")
