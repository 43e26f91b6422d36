"""The sandbox's Canvas-like web UI: pick who you are, courses and modules, tools opened through
the real LTI login flow, a pass/fail gradebook, and admin pages for developer keys and
deployments. Plain server-rendered HTML.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the UI's pages on the sandbox app."""
    from ctom_lti.sandbox.ui import (  # noqa: F401
        admin,
        courses,
        debug,
        gradebook,
        inbox,
        people,
        tool_launches,
    )
    from ctom_lti.sandbox.ui.blueprint import bp

    app.register_blueprint(bp)
