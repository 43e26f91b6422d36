"""The OIDC half of a launch: authorize_redirect, authorize, and the platform key set.

canvas-lti.md §3 (auth request and response), §4.1 (key set). The login request itself is built
by :mod:`.launches` when a page with a tool is rendered.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from flask import Blueprint, Response, redirect, render_template

from ctom_lti.sandbox.platform import web
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, find_developer_key
from ctom_lti.sandbox.platform.launches import STORAGE_TARGET, decode_message_hint
from ctom_lti.sandbox.platform.scopes import KNOWN_SCOPES
from ctom_lti.sandbox.platform.session import current_user
from ctom_lti.sandbox.platform.state import (
    PendingLaunch,
    platform_keys,
    remember_id_token,
    take_launch,
)
from ctom_lti.sandbox.store import Store

bp = Blueprint("lti_oidc", __name__, template_folder="templates")

#: canvas-lti.md §3.2: checked for presence, in this order; ``state`` is optional.
REQUIRED_PARAMS = (
    "client_id",
    "login_hint",
    "lti_message_hint",
    "nonce",
    "prompt",
    "redirect_uri",
    "response_mode",
    "response_type",
    "scope",
)


@dataclass(frozen=True)
class OidcError:
    """An error Canvas reports to the tool by form POST (``error``, ``error_description``)."""

    code: str
    description: str


def missing_params(values: dict[str, str]) -> OidcError | None:
    """Presence and ``scope`` checks; prompt/response_type/response_mode values are not checked."""
    missing = [name for name in REQUIRED_PARAMS if not values.get(name)]
    if missing:
        return OidcError(
            "invalid_request_object", f"The following parameters are missing: {','.join(missing)}"
        )
    if values["scope"] != "openid":
        return OidcError("invalid_request_object", "The 'scope' must be 'openid'")
    return None


def redirect_uri_allowed(redirect_uri: str, registered: list[str]) -> bool:
    """The part before ``?`` equals a registered URI exactly; its query params must be present."""
    given = urlsplit(redirect_uri)
    given_base = redirect_uri.split("?", 1)[0]
    given_query = set(parse_qsl(given.query, keep_blank_values=True))
    for uri in registered:
        base, _, query = uri.partition("?")
        if base == given_base and set(parse_qsl(query, keep_blank_values=True)) <= given_query:
            return True
    return False


@bp.route("/api/lti/security/jwks", methods=["GET"])
def jwks() -> Response:
    """canvas-lti.md §4.1: ``{"keys": [past, present, future]}``."""
    response = web.json_response(platform_keys(web.store()).jwks(), "application/json")
    response.headers["Cache-Control"] = "max-age=300"
    return response


@bp.route("/api/lti/security/openid-configuration", methods=["GET"])
def openid_configuration() -> Response:
    """canvas-lti.md §7.2 step 2 (values on this sandbox's own host; §12 lists open points)."""
    base = web.base_url()
    store = web.store()
    body = {
        "issuer": store.issuer,
        "authorization_endpoint": f"{base}/api/lti/authorize_redirect",
        "registration_endpoint": f"{base}/api/lti/registrations",
        "jwks_uri": f"{base}/api/lti/security/jwks",
        "token_endpoint": web.token_url(),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": sorted(KNOWN_SCOPES),
        "response_types_supported": ["id_token"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": [
            "sub",
            "picture",
            "email",
            "name",
            "given_name",
            "family_name",
            "locale",
        ],
        "subject_types_supported": ["public"],
        "authorization_server": web.base_url().split("://", 1)[-1],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "canvas",
            "version": "vCloud",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest", "placements": ["course_navigation"]},
                {
                    "type": "LtiDeepLinkingRequest",
                    "placements": ["link_selection", "assignment_selection"],
                },
            ],
            "variables": [],
            "https://canvas.instructure.com/lti/account_name": store.accounts[
                store.root_account_id
            ].name,
            "https://canvas.instructure.com/lti/account_lti_guid": store.accounts[
                store.root_account_id
            ].lti_guid,
        },
    }
    return web.json_response(body, "application/json")


@bp.route("/api/lti/authorize_redirect", methods=["GET", "POST"])
def authorize_redirect() -> Response:
    """canvas-lti.md §3.1 step 1: 302 to ``/api/lti/authorize`` on the hint's ``canvas_domain``.

    No session is needed here (in cloud Canvas this runs on the sso host).
    """
    values = web.params()
    domain = web.base_url().split("://", 1)[-1]
    hint = values.get("lti_message_hint")
    if hint:
        try:
            domain = str(decode_message_hint(web.store(), hint).get("canvas_domain") or domain)
        except jwt.InvalidTokenError:
            return web.reject("Invalid lti_message_hint", "The launch could not be verified.")
    scheme = web.base_url().split("://", 1)[0]
    target = f"{scheme}://{domain}/api/lti/authorize?{urlencode(values)}"
    response: Response = redirect(target, code=302)  # type: ignore[assignment]
    return response


class Rejected(Exception):
    """Canvas's ``reject!``: an error page, nothing posted to the tool (§3.2)."""

    def __init__(self, title: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.status = status


class OidcFailure(Exception):
    def __init__(self, error: OidcError) -> None:
        super().__init__(error.description)
        self.error = error


@bp.route("/api/lti/authorize", methods=["GET", "POST"])
def authorize() -> Response:
    """canvas-lti.md §3.2, §3.3: validate the tool's auth request and post the id_token back."""
    store = web.store()
    values = web.params()
    redirect_uri = values.get("redirect_uri", "")
    state = values.get("state")
    key = find_developer_key(store, values.get("client_id", ""))
    # Errors are posted to the tool only at a redirect_uri registered on the key; anything
    # else gets an error page, so the sandbox never posts to an unverified address.
    can_post = key is not None and redirect_uri_allowed(redirect_uri, key.redirect_uris)
    try:
        launch = _validated_launch(store, values, key, can_post=can_post)
    except Rejected as exc:
        return web.reject(exc.title, exc.message, exc.status)
    except OidcFailure as exc:
        if not can_post:
            return web.reject("The launch could not be completed", exc.error.description)
        fields = {"error": exc.error.code, "error_description": exc.error.description}
        if state:
            fields["state"] = state
        return _form_post(redirect_uri, fields)
    claims = dict(launch.claims)
    claims["nonce"] = values["nonce"]
    token = platform_keys(store).sign(claims)
    remember_id_token(store, token, claims)
    fields = {"id_token": token}
    if state:
        fields["state"] = state
    if launch.include_storage_target:
        fields["lti_storage_target"] = STORAGE_TARGET
    return _form_post(redirect_uri, fields)


def _validated_launch(
    store: Store, values: dict[str, str], key: DeveloperKey | None, *, can_post: bool
) -> PendingLaunch:
    """The checks of §3.2 in Canvas's order; the cached launch is consumed only if all pass."""
    problem = missing_params(values)
    if problem is not None:
        raise OidcFailure(problem)
    try:
        hint = decode_message_hint(store, values["lti_message_hint"])
    except jwt.InvalidTokenError as exc:
        raise Rejected(
            "Invalid lti_message_hint", "The launch expired or was tampered with."
        ) from exc
    user = current_user(store)
    if user is None:
        # Newer Canvas shows its own page when no session came with the request at all (§3.2).
        raise Rejected(
            "Login required",
            "You must be signed in to Canvas to launch this tool. Sign in and open it again.",
            401,
        )
    if store.opaque_id(f"user_{user.id}") != values["login_hint"]:
        raise OidcFailure(OidcError("login_required", "Must have an active user session"))
    if key is None or not key.usable:
        raise OidcFailure(
            OidcError("unauthorized_client", "Client not authorized in requested context")
        )
    if not can_post:
        raise Rejected("Invalid redirect_uri", "The redirect_uri is not registered for this key.")
    launch = take_launch(store, str(hint.get("verifier", "")))
    if (
        launch is None
        or launch.client_id != key.client_id
        or launch.login_hint != values["login_hint"]
    ):
        raise OidcFailure(
            OidcError(
                "launch_no_longer_valid", "The launch has either expired or already been consumed"
            )
        )
    return launch


def _form_post(action: str, fields: dict[str, str]) -> Response:
    body = render_template(
        "sandbox_platform/form_post.html",
        action=action,
        fields=fields,
        authenticity_token=secrets.token_urlsafe(32),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
