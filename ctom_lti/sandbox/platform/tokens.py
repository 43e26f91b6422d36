"""Client-credentials tokens for LTI Advantage services, and checking them on service calls.

canvas-lti.md §5.1: the tool POSTs a JWT assertion signed with its key; Canvas answers with its
own JWT access token (``scopes`` claim, 1 hour). Service endpoints then check the token, the
developer key, the key's deployment in the course and the scope, in that order.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from flask import Blueprint, Response, jsonify, request
from jwt.algorithms import RSAAlgorithm

from ctom_lti.sandbox.course_records import Course, ExternalTool
from ctom_lti.sandbox.platform import web
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, find_developer_key
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.state import platform_keys
from ctom_lti.sandbox.platform.tools import tools_in_course
from ctom_lti.sandbox.store import Store

bp = Blueprint("lti_tokens", __name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
REQUIRED_ASSERTIONS = ("iss", "sub", "aud", "iat", "exp", "jti")
#: canvas-lti.md §5.1: iat no older than 5 minutes, no more than 30 s ahead.
IAT_MAX_AGE = 300
IAT_MAX_AHEAD = 30
TOKEN_LIFETIME = 3600
JWKS_CACHE_SECONDS = 300


class TokenRequestError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@bp.route("/login/oauth2/token", methods=["POST"])
def token() -> Response:
    """canvas-lti.md §5.1: exchange a client assertion for an access token."""
    try:
        body = issue_token(web.store(), request.form.to_dict(flat=True), web.token_url())
    except TokenRequestError as exc:
        response = jsonify({"error": exc.error, "error_description": exc.description})
        response.status_code = exc.status
        return response
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def issue_token(store: Store, form: dict[str, str], audience: str) -> dict[str, Any]:
    """Validate the client-credentials request and return Canvas's token response."""
    grant_type = form.get("grant_type")
    if grant_type != "client_credentials":
        raise TokenRequestError("unsupported_grant_type", f"{grant_type!r} is not supported")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise TokenRequestError("invalid_request", "client_assertion_type is invalid")
    assertion = form.get("client_assertion")
    if not assertion:
        raise TokenRequestError("invalid_request", "client_assertion is missing")
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
        header = jwt.get_unverified_header(assertion)
    except jwt.InvalidTokenError as exc:
        raise TokenRequestError("invalid_request", "JWS signature invalid.") from exc
    missing = [name for name in REQUIRED_ASSERTIONS if unverified.get(name) in (None, "")]
    if missing:
        raise TokenRequestError(
            "invalid_request", f"the following assertions are missing: {','.join(missing)}"
        )
    key = find_developer_key(store, str(unverified["sub"]))
    if key is None or not key.usable:
        # Status for an unknown client is an open question (canvas-lti.md §12); 401 follows
        # OAuth 2's invalid_client rule.
        raise TokenRequestError("invalid_client", "Unknown or inactive client_id", 401)
    verify_tool_jwt(store, key, assertion, header)
    aud = unverified["aud"]
    auds = aud if isinstance(aud, list) else [aud]
    if audience not in auds:
        raise TokenRequestError("invalid_request", "the 'aud' is invalid")
    now = int(time.time()) + platform_settings(store).clock_offset
    check_times(unverified, now)
    requested = str(form.get("scope", "")).split()
    if not requested or any(s not in key.scopes for s in requested):
        raise TokenRequestError("invalid_scope", "Invalid scope")
    scopes = " ".join(dict.fromkeys(requested))
    access_token = platform_keys(store).sign(
        {
            "iss": store.issuer,
            "sub": key.client_id,
            "aud": audience,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "jti": str(uuid.uuid4()),
            "scopes": scopes,
        }
    )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
        "scope": scopes,
    }


def check_times(claims: dict[str, Any], now: int) -> None:
    """iat window and exp (canvas-lti.md §5.1, §6 uses the same rule for deep link JWTs)."""
    try:
        iat = int(claims["iat"])
        exp = int(claims["exp"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenRequestError("invalid_request", "the 'iat' or 'exp' is invalid") from exc
    if iat > now + IAT_MAX_AHEAD:
        raise TokenRequestError("invalid_request", "the 'iat' must not be in the future")
    if iat < now - IAT_MAX_AGE:
        raise TokenRequestError("invalid_request", "the 'iat' must be less than 5 minutes old")
    if exp <= now:
        raise TokenRequestError("invalid_request", "the 'exp' must be in the future")


def verify_tool_jwt(store: Store, key: DeveloperKey, token: str, header: dict[str, Any]) -> None:
    """Check a JWT the tool signed, with its public_jwk or its public_jwk_url key set."""
    if header.get("alg") != "RS256":
        raise TokenRequestError("invalid_request", "JWS signature invalid.")
    jwk = key.public_jwk
    if jwk is None:
        jwk = _jwk_from_url(store, key, header.get("kid"))
    if jwk is None:
        raise TokenRequestError("invalid_request", "JWS signature invalid.")
    try:
        public_key = RSAAlgorithm.from_jwk(jwk)
        jwt.decode(
            token,
            public_key,  # type: ignore[arg-type]
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_iat": False, "verify_exp": False},
        )
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise TokenRequestError("invalid_request", "JWS signature invalid.") from exc


def _jwk_from_url(store: Store, key: DeveloperKey, kid: Any) -> dict[str, Any] | None:
    """The JWK with ``kid`` from the key's public_jwk_url (cached; refetched on an unknown kid)."""
    if not key.public_jwk_url or not isinstance(kid, str):
        return None
    cache: dict[str, tuple[float, list[dict[str, Any]]]] = store.table("lti_tool_jwks")
    url = key.public_jwk_url
    cached = cache.get(url)
    if cached is not None and cached[0] + JWKS_CACHE_SECONDS > time.time():
        match = next((k for k in cached[1] if k.get("kid") == kid), None)
        if match is not None:
            return match
    try:
        fetched = requests.get(url, timeout=5).json().get("keys", [])
    except (requests.RequestException, ValueError, AttributeError):
        return None
    keys = [k for k in fetched if isinstance(k, dict)] if isinstance(fetched, list) else []
    cache[url] = (time.time(), keys)
    return next((k for k in keys if k.get("kid") == kid), None)


@dataclass(frozen=True)
class ServiceAuth:
    """A verified service call: which key, which of its deployments in the course, what scopes."""

    key: DeveloperKey
    tool: ExternalTool
    course: Course
    scopes: frozenset[str]


class ServiceAuthError(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def authorize_service(store: Store, course_id: int, any_of_scopes: tuple[str, ...]) -> ServiceAuth:
    """canvas-lti.md §5.1 "Service request auth": token → key → deployment → scope.

    :raises ServiceAuthError: with Canvas's message and status.
    """
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not raw:
        raise ServiceAuthError("Missing access token")
    try:
        claims = platform_keys(store).verify(
            raw, options={"verify_aud": False, "require": ["exp", "iat", "sub", "aud"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise ServiceAuthError("Access token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise ServiceAuthError(f"Invalid access token field/s: {exc}") from exc
    # Accepted: the token URL of this host, or of the universal grant host (§5.1).
    accepted = {web.token_url(), f"{store.issuer}/login/oauth2/token"}
    if claims.get("aud") not in accepted:
        raise ServiceAuthError("Invalid access token field/s: aud")
    key = find_developer_key(store, str(claims.get("sub")))
    if key is None or not key.usable:
        raise ServiceAuthError("Unknown or inactive Developer Key")
    course = store.courses.get(course_id)
    if course is None or course.workflow_state == "deleted":
        raise ServiceAuthError("Course not found", 404)
    tool = next(
        (t for t in tools_in_course(store, course_id) if t.client_id == key.client_id), None
    )
    if tool is None:
        raise ServiceAuthError("Access Token not linked to a Tool associated with this Context")
    scopes = frozenset(str(claims.get("scopes", "")).split())
    if not scopes & set(any_of_scopes):
        raise ServiceAuthError("Insufficient permissions")
    return ServiceAuth(key=key, tool=tool, course=course, scopes=scopes)
