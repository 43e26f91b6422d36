"""The tool's feature pages, one package per feature (models, pure core, service, views)."""

from __future__ import annotations

from flask import Flask


def register_tools(app: Flask) -> None:
    """Register every feature's blueprint on ``app``."""
    from ctom_lti.tools.home.views import bp as home_bp
    from ctom_lti.tools.profile.views import bp as profile_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(profile_bp)
