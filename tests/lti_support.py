"""A minimal LTI 1.3 test platform: RSA keys, a JWKS served over loopback HTTP, signed id_tokens.

A faithful platform (the sandbox) never emits forged, expired or mis-addressed tokens; this one
signs whatever a test asks for, so hostile launches can be built claim by claim. Claims follow the
shape Canvas sends (reference/canvas-lti.md §4.6).
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response

from ctom_lti.lti import claims
from ctom_lti.serving import ServerThread

ISSUER = "https://canvas.test.example"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
#: The LTI ``context.id`` of the course test launches come from (unless a test names another).
COHORT_CONTEXT_ID = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"

#: Roles claims as Canvas builds them for each kind of enrollment (canvas-lti.md §4.4).
ROLE_CLAIMS: dict[str, list[str]] = {
    "candidate": [
        LIS + "institution/person#Student",
        LIS + "membership#Learner",
        LIS + "system/person#User",
    ],
    "mentor": [LIS + "membership#Mentor", LIS + "system/person#User"],
    "custom_mentor": [
        LIS + "institution/person#Student",
        LIS + "membership#Learner",
        LIS + "system/person#User",
    ],
    "instructor": [
        LIS + "institution/person#Instructor",
        LIS + "membership#Instructor",
        LIS + "system/person#User",
    ],
    "ta": [
        LIS + "institution/person#Instructor",
        LIS + "membership#Instructor",
        LIS + "membership/Instructor#TeachingAssistant",
        LIS + "system/person#User",
    ],
    "admin": [LIS + "institution/person#Administrator", LIS + "system/person#User"],
}

#: ``$Canvas.membership.roles`` for each kind.
MEMBERSHIP_ROLES = {
    "candidate": "StudentEnrollment",
    "mentor": "ObserverEnrollment",
    "custom_mentor": "Mentor",
    "instructor": "TeacherEnrollment",
    "ta": "TaEnrollment",
    "admin": "$Canvas.membership.roles",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_jwk(kid: str, key: rsa.RSAPrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "e": _b64(numbers.e.to_bytes(3, "big")),
        "n": _b64(numbers.n.to_bytes(256, "big")),
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
    }


@dataclass
class TestPlatform:
    """Signing keys plus a JWKS endpoint on ``127.0.0.1``."""

    issuer: str = ISSUER
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    current_kid: str = ""
    jwks_requests: int = 0
    server: ServerThread | None = None

    __test__ = False  # not a test class, despite the name

    def start(self) -> TestPlatform:
        self.rotate()
        app = Flask("test_platform")

        @app.get("/jwks")
        def jwks() -> Response:
            self.jwks_requests += 1
            body = {"keys": [_public_jwk(k, self.keys[k]) for k in self.published]}
            return Response(json.dumps(body), mimetype="application/json")

        self.server = ServerThread(app).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    @property
    def jwks_url(self) -> str:
        assert self.server is not None
        return self.server.base_url + "/jwks"

    @property
    def auth_login_url(self) -> str:
        return "https://canvas.test.example/api/lti/authorize_redirect"

    @property
    def token_url(self) -> str:
        return "https://canvas.test.example/login/oauth2/token"

    def rotate(self, *, publish: bool = True) -> str:
        """Make a new current key (Canvas-style timestamp kid) and publish it."""
        kid = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "-" + secrets.token_hex(3)
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)
        self.current_kid = kid
        return kid

    def sign(
        self,
        body: Mapping[str, Any],
        *,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        alg: str = "RS256",
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """Sign ``body`` as an id_token (any key, any kid, for hostile tests)."""
        kid = kid or self.current_kid
        signing_key = key or self.keys[kid]
        return jwt.encode(
            dict(body), signing_key, algorithm=alg, headers={"kid": kid, **(headers or {})}
        )


def sign_raw(platform: TestPlatform, payload: str) -> str:
    """Sign a payload given as JSON text, unchecked: claims of any type, numbers no JSON
    encoder writes (``1e400``), anything a broken platform might send."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header = json.dumps({"alg": "RS256", "typ": "JWT", "kid": platform.current_kid})
    signing_input = f"{_b64(header.encode())}.{_b64(payload.encode())}"
    signature = platform.keys[platform.current_kid].sign(
        signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{signing_input}.{_b64(signature)}"


def launch_claims(
    role: str,
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    nonce: str,
    sub: str | None = None,
    context_id: str = COHORT_CONTEXT_ID,
    context_title: str = "CTO Mentor Program — Cohort 12",
    canvas_course_id: str = "1234",
    mentees: tuple[str, ...] = (),
    message_type: str = claims.RESOURCE_LINK_REQUEST,
    custom: Mapping[str, str] | None = None,
    placement: str = "course_navigation",
    now: int | None = None,
) -> dict[str, Any]:
    """An id_token body shaped like Canvas's for ``role`` (see ``ROLE_CLAIMS``)."""
    now = int(time.time()) if now is None else now
    sub = sub or str(uuid.uuid4())
    name = f"{role.title()} {sub[:4]}"
    body: dict[str, Any] = {
        "iss": issuer,
        "aud": client_id,
        "azp": client_id,
        "sub": sub,
        "iat": now,
        "exp": now + 3600,
        "nonce": nonce,
        "name": name,
        "given_name": role.title(),
        "family_name": sub[:4],
        "email": f"{sub[:8]}@example.edu",
        claims.MESSAGE_TYPE: message_type,
        claims.VERSION: "1.3.0",
        claims.DEPLOYMENT_ID: deployment_id,
        claims.TARGET_LINK_URI: "http://localhost/lti/launch",
        claims.CONTEXT: {
            "id": context_id,
            "label": "CTOM-12",
            "title": context_title,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        claims.ROLES: list(ROLE_CLAIMS[role]),
        claims.CUSTOM: {
            "canvas_user_id": str(abs(hash(sub)) % 10000),
            "canvas_course_id": canvas_course_id,
            "canvas_membership_roles": MEMBERSHIP_ROLES[role],
            "canvas_api_base_url": "https://school.instructure.com",
            **(custom or {}),
        },
        claims.CANVAS_PLACEMENT: placement,
        claims.LAUNCH_PRESENTATION: {
            "document_target": "iframe",
            "locale": "en",
            "return_url": "https://school.instructure.com/courses/1234/external_content/success/"
            "external_tool_redirect",
        },
        "locale": "en",
        "picture": "https://school.instructure.com/images/messages/avatar-50.png",
        claims.TOOL_PLATFORM: {
            "guid": "CeADzK7hsPYfzmyC7LTL8cpzZISNdpWjVg1UZjLY:canvas-lms",
            "name": "Kern County Schools",
            "version": "cloud",
            "product_family_code": "canvas",
        },
        # What Canvas sends for a person and a course without SIS ids.
        claims.LIS: {
            "person_sourcedid": "$Person.sourcedId",
            "course_offering_sourcedid": "$CourseSection.sourcedId",
        },
        claims.LTI11_LEGACY_USER_ID: "7d1e0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d",
        claims.LTI + "lti1p1": {"user_id": "7d1e0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d"},
        claims.AGS_ENDPOINT: {
            "scope": [claims.SCOPE_LINEITEM, claims.SCOPE_RESULT_READONLY, claims.SCOPE_SCORE],
            "lineitems": f"https://school.instructure.com/api/lti/courses/{canvas_course_id}"
            "/line_items",
        },
        claims.NRPS: {
            "context_memberships_url": "https://school.instructure.com/api/lti/courses/"
            f"{canvas_course_id}/names_and_roles",
            "service_versions": ["2.0"],
        },
    }
    if message_type == claims.RESOURCE_LINK_REQUEST:
        body[claims.RESOURCE_LINK] = {"id": context_id, "title": context_title}
    if message_type == claims.DEEP_LINKING_REQUEST:
        body[claims.DEEP_LINKING_SETTINGS] = {
            "deep_link_return_url": "https://school.instructure.com/courses/1234/deep_linking_response?data=x",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_media_types": "application/vnd.ims.lti.v1.ltilink",
            "accept_multiple": placement == "link_selection",
            "auto_create": False,
        }
    if role == "mentor":
        body[claims.ROLE_SCOPE_MENTOR] = list(mentees)
    return body


_CONFIG = re.compile(r"var c = (\{.*?\});\n", re.S)


@dataclass(frozen=True)
class LoginResult:
    """What a login answered: the auth request's parameters and, with platform storage, the
    values the page would put there."""

    status: int
    auth_url: str
    params: dict[str, str]
    storage_items: dict[str, str]

    @property
    def state(self) -> str:
        return self.params["state"]

    @property
    def nonce(self) -> str:
        return self.params["nonce"]


def parse_login_response(status: int, location: str | None, body: str) -> LoginResult:
    """Read the authentication request out of a login response (redirect or storage page)."""
    items: dict[str, str] = {}
    if location:
        auth_url = location
    else:
        match = _CONFIG.search(body)
        assert match, f"login answered neither a redirect nor the storage page: {body[:300]}"
        config = json.loads(match.group(1))
        auth_url = config["auth"]
        items = dict(config["items"])
    query = {k: v[0] for k, v in parse_qs(urlsplit(auth_url).query).items()}
    return LoginResult(status, auth_url, query, items)


def parse_page_config(body: str) -> dict[str, Any]:
    """The JSON a login or launch page hands its script."""
    match = _CONFIG.search(body)
    assert match, f"no page config in: {body[:300]}"
    config: dict[str, Any] = json.loads(match.group(1))
    return config


class LoopbackBrowser(requests.Session):
    """A requests session that, like Chromium on loopback, returns ``Secure`` cookies over HTTP.

    requests copies the jar into a fresh one (with the default policy) for every request, so the
    cookie header is rebuilt here from the session's own jar and policy.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


def http_browser() -> LoopbackBrowser:
    return LoopbackBrowser()


@dataclass(frozen=True)
class HtmlForm:
    action: str
    method: str
    fields: dict[str, str]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((values, {}))
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value", "")


def html_forms(html: str) -> list[HtmlForm]:
    """The forms of a page, with their hidden fields (what a browser would submit)."""
    parser = _FormParser()
    parser.feed(html)
    return [
        HtmlForm(attrs.get("action", ""), attrs.get("method", "get").lower(), fields)
        for attrs, fields in parser.forms
    ]


_PAGE_ADDRESS = re.compile(r'<html\b[^>]*\sdata-page-address="([^"]*)"')


def page_address(response: Any) -> str | None:
    """The address a tool page names as its own (a launch's answer does), if any.

    ``response`` is a Flask test response or a ``requests`` one.
    """
    text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    match = _PAGE_ADDRESS.search(text)
    return html.unescape(match.group(1)) if match else None


def landed(response: Any, status: int = 200) -> str:
    """The address of the page a launch answered with (it names its own address, which the
    browser shows in place of the launch's); fails the test if the launch answered otherwise,
    or with another status than ``status``."""
    text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    assert response.status_code == status, (
        f"the launch answered {response.status_code}: {text[-500:]}"
    )
    address = page_address(response)
    assert address is not None, f"the launch's answer names no page address: {text[:500]}"
    return address
