"""The sandbox's LTI 1.3 platform, faithful to Canvas as ``reference/canvas-lti.md`` describes it.

Modules, each naming the reference section it follows:
``developer_keys`` / ``developer_key_json`` (§7.1), ``scopes`` (§5.1) and ``tools`` (deployments,
§1.3) — what a Canvas admin sets up;
``launches`` / ``placements`` / ``claims`` / ``roles`` / ``variables`` (§2, §4) — a launch's
login request and id_token; ``oidc`` (§3) — authorize_redirect, authorize, key set;
``tokens`` (§5.1), ``nrps`` (§5.2), ``ags`` / ``scores`` (§5.3 to §5.5) — LTI Advantage services;
``deep_linking`` (§4.3, §6); ``storage`` (§8, Platform Storage); ``session`` — who is signed in.
"""

from __future__ import annotations

from flask import Flask

from ctom_lti.sandbox.platform.developer_key_json import DeveloperKeyError
from ctom_lti.sandbox.platform.developer_keys import (
    DeveloperKey,
    create_developer_key,
    create_developer_key_from_url,
    find_developer_key,
)
from ctom_lti.sandbox.platform.tools import DeploymentError, deploy, tool_launch_url

__all__ = [
    "DeploymentError",
    "DeveloperKey",
    "DeveloperKeyError",
    "create_developer_key",
    "create_developer_key_from_url",
    "deploy",
    "find_developer_key",
    "init_app",
    "tool_launch_url",
]


def init_app(app: Flask) -> None:
    """Register the platform's endpoints on the sandbox app."""
    from ctom_lti.sandbox.platform import ags, deep_linking, nrps, oidc, scores, storage, tokens

    for module in (oidc, tokens, nrps, ags, scores, deep_linking, storage):
        app.register_blueprint(module.bp)
