"""Everything that touches LTI and pylti1p3: login, launch, key set, registrations, roles.

Its settings are declared in ``settings.py`` and read by the one loader, ``ctom_lti.config``.
"""

from __future__ import annotations

from flask import Flask

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


def init_app(app: Flask) -> None:
    """Register the LTI blueprint, the session interface and CSRF protection on ``app``.

    The features' blueprints are registered by ``create_app`` (``ctom_lti.tools``).
    """
    from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]

    from ctom_lti.lti import about, deep_link_views, runtime, views, web
    from ctom_lti.lti.sessions import (
        ServerSessionInterface,
        raise_refused_body,
        refuse_if_unavailable,
    )

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
    app.register_blueprint(deep_link_views.bp)
    app.register_blueprint(about.bp)
    # These are authenticated by the signed launch (or its one-time continuation), not a form.
    for view in (views.login, views.launch, views.launch_continue):
        csrf.exempt(view)

    app.jinja_env.globals.update(
        tool_url=web.tool_url, static_url=web.static_url, session_field=web.session_field
    )
    web.install_security_headers(app)
