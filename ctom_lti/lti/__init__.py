"""Everything that touches LTI and pylti1p3: login, launch, key set, registrations, roles."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from ctom_lti.errors import LaunchError, render_error

#: Settings of this package: name → (default, parser). Each can be set with ``CTOM_<NAME>``;
#: values passed to ``create_app`` win over the environment.
_SETTINGS: dict[str, tuple[Any, type]] = {
    "LTI_TOOL_TITLE": ("CTO Mentor", str),
    # Origins allowed to frame the tool besides the registered platforms' own hosts and Canvas
    # addresses (e.g. a second domain of the same Canvas), space-separated.
    "LTI_FRAME_ANCESTORS": ("", str),
    # Labels of custom Canvas course roles that mean "mentor" (comma-separated).
    "LTI_MENTOR_ROLE_LABELS": ("Mentor", str),
    "LTI_SESSION_LIFETIME": (8 * 3600, int),
    "LTI_STATE_TTL": (600, int),
    "LTI_IAT_LEEWAY": (60, int),
    "LTI_JWKS_CACHE_SECONDS": (3600, int),
    "LTI_REGISTRY_CACHE_SECONDS": (30, int),
    "LTI_HTTP_CONNECT_TIMEOUT": (5.0, float),
    "LTI_HTTP_READ_TIMEOUT": (10.0, float),
    # Total seconds any one outbound call (platform key set, token endpoint, AGS, NRPS) may take,
    # however the server trickles its answer; a launch waiting on the key set is refused after it.
    "LTI_HTTP_DEADLINE": (5.0, float),
}


#: Endpoints that never read session data (they are authenticated by the launch itself).
_SESSIONLESS_PATHS = frozenset(
    {
        "/",
        "/lti/login",
        "/lti/launch",
        "/lti/launch/continue",
        "/lti/jwks",
        "/.well-known/jwks.json",
        "/lti/config.json",
    }
)


def _apply_settings(app: Flask) -> None:
    for name, (default, parser) in _SETTINGS.items():
        if name in app.config:
            continue
        raw = os.environ.get(f"CTOM_{name}")
        app.config[name] = parser(raw) if raw not in (None, "") else default
    # CSRF tokens live in the server-side session. Flask-WTF's strict mode also demands a Referer
    # on HTTPS, which this tool suppresses on purpose (the session token can be in URLs).
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)


def init_app(app: Flask) -> None:
    """Register the LTI blueprint, the session interface and CSRF protection on ``app``.

    The features' blueprints are registered by ``create_app`` (``ctom_lti.tools``).
    """
    from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]

    from ctom_lti.lti import about, runtime, views, web
    from ctom_lti.lti.launch import LaunchRefused
    from ctom_lti.lti.sessions import (
        ServerSessionInterface,
        raise_refused_body,
        refuse_if_unavailable,
    )

    _apply_settings(app)
    rt = runtime.install(app)
    app.session_interface = ServerSessionInterface(
        rt.sessions,
        app.config["LTI_SESSION_LIFETIME"],
        unread_paths=_SESSIONLESS_PATHS,
    )

    # Before CSRF protection, which would otherwise report the unreadable session as a missing
    # CSRF token.
    app.before_request(refuse_if_unavailable)
    # Likewise a body refused while looking for the session token (see sessions.py).
    app.before_request(raise_refused_body)
    csrf = CSRFProtect(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(about.bp)
    # These are authenticated by the signed launch (or its one-time continuation), not a form.
    for view in (views.login, views.launch, views.launch_continue):
        csrf.exempt(view)

    @app.errorhandler(LaunchRefused)
    def _launch_refused(exc: LaunchRefused) -> tuple[Any, int]:
        return render_error(400, LaunchError.title, exc.message, exc.hint or LaunchError.hint)

    app.jinja_env.globals.update(tool_url=web.tool_url, session_field=web.session_field)
    web.install_security_headers(app)
