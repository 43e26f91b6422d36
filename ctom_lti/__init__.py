"""ctom-lti: the CTO Mentor Program's LTI 1.3 tool for Canvas."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from ctom_lti.features import Feature

__all__ = ["FEATURES", "app_features", "create_app"]

#: The application's features (packages under ``ctom_lti/tools/``), in navigation order.
FEATURES = ("home", "profile", "pairing", "grades", "reports", "portfolio", "completion")


def app_features() -> tuple[Feature, ...]:
    """The features :data:`FEATURES` names, as declared by their packages."""
    from ctom_lti.tools import load_features

    return load_features(FEATURES)


def create_app(
    test_config: Mapping[str, Any] | None = None, features: Sequence[Feature] | None = None
) -> Flask:
    """Build the tool's Flask application; the only place an app is made.

    :param test_config: settings applied last (tests pass a temporary database, instance folder
        and Redis URL here). ``INSTANCE_PATH`` in it, or ``CTOM_INSTANCE_PATH`` in the
        environment, moves the instance folder (database, keys, generated secrets).
    :param features: the features to serve; the application's own (:data:`FEATURES`) by default.
    """
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("CTOM_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
    os.makedirs(app.instance_path, exist_ok=True)

    from ctom_lti.config import load_config
    from ctom_lti.lti.settings import SETTINGS as LTI_SETTINGS

    chosen = app_features() if features is None else tuple(features)
    feature_settings = tuple(s for feature in chosen for s in feature.settings)
    load_config(app, test_config, (*LTI_SETTINGS, *feature_settings))
    logging.getLogger("ctom_lti").setLevel(app.config["LOG_LEVEL"])

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    from ctom_lti.body_limit import DrainRefusedBodies

    app.wsgi_app = DrainRefusedBodies(  # type: ignore[method-assign]
        app.wsgi_app,
        limit=app.config["MAX_CONTENT_LENGTH"],
        max_bytes=int(app.config["MAX_BODY_DRAIN"]),
    )

    from ctom_lti import db, errors, lti, tools

    db.init_app(app)
    errors.register_error_handlers(app)
    lti.init_app(app)
    tools.register_features(app, chosen)
    return app
