"""The sandbox Canvas's own Flask app (separate from the tool's app)."""

from __future__ import annotations

from flask import Flask

from ctom_lti.sandbox.core import Sandbox
from ctom_lti.sandbox.middleware import SandboxMiddleware


def create_sandbox_app(sandbox: Sandbox) -> Flask:
    """Build the app serving ``sandbox``: REST API, LTI platform and web UI, behind the knobs."""
    app = Flask(__name__)
    app.secret_key = sandbox.secret
    # Canvas sends keys in its own order; sorting them would only make bodies harder to compare.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["sandbox"] = sandbox

    from ctom_lti.sandbox import platform, rest, ui

    rest.init_app(app)
    platform.init_app(app)
    ui.init_app(app)

    app.wsgi_app = SandboxMiddleware(app.wsgi_app, sandbox)  # type: ignore[method-assign]
    return app
