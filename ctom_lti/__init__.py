"""ctom-lti: the CTO Mentor Program's LTI 1.3 tool for Canvas."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the tool's Flask application; the only place an app is made.

    :param test_config: settings applied last (tests pass a temporary database, instance folder
        and Redis URL here). ``INSTANCE_PATH`` in it, or ``CTOM_INSTANCE_PATH`` in the
        environment, moves the instance folder (database, keys, generated secrets).
    """
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("CTOM_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
    os.makedirs(app.instance_path, exist_ok=True)

    from ctom_lti.config import load_config

    load_config(app, test_config)
    logging.getLogger("ctom_lti").setLevel(app.config["LOG_LEVEL"])

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    from ctom_lti import db, errors, lti

    db.init_app(app)
    errors.register_error_handlers(app)
    lti.init_app(app)
    return app
