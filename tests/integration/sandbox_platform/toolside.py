"""A minimal LTI 1.3 tool written for these tests (requests + PyJWT), and a browser stand-in.

It does what a tool and a browser do against Canvas, step by step, so each platform check can be
driven and inspected: sign in to the sandbox, open a page with a tool, read the hidden login
form, send the OIDC auth request, capture the id_token POST, verify it with the platform's JWKS.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

TOOL_BASE = "http://localhost:9999"
REDIRECT_URI = f"{TOOL_BASE}/lti/launch"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LTI = "https://purl.imsglobal.org/spec/lti/claim"


@dataclass(frozen=True)
class ToolKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls) -> ToolKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048), uuid.uuid4().hex)

    def jwk(self) -> dict[str, Any]:
        key: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        key.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return key

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def tool_config(
    key: ToolKey | None,
    *,
    title: str = "Mentor Hub",
    privacy_level: str = "public",
    scopes: list[str] | None = None,
    jwk_url: str | None = None,
    nav_visibility: str | None = None,
    custom_fields: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A developer-key JSON as a tool publishes it (canvas-lti.md §7.1)."""
    nav: dict[str, Any] = {
        "placement": "course_navigation",
        "message_type": "LtiResourceLinkRequest",
        "target_link_uri": f"{TOOL_BASE}/lti/launch?placement=course_navigation",
        "text": title,
        "custom_fields": {"nav_only": "yes"},
    }
    if nav_visibility:
        nav["visibility"] = nav_visibility
    config: dict[str, Any] = {
        "title": title,
        "description": "Mentor pairing and reports",
        "oidc_initiation_url": f"{TOOL_BASE}/lti/login",
        "target_link_uri": f"{TOOL_BASE}/lti/launch",
        "scopes": [*AGS_SCOPES, NRPS_SCOPE] if scopes is None else scopes,
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": "localhost",
                "privacy_level": privacy_level,
                "settings": {
                    "text": title,
                    "placements": [
                        nav,
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": f"{TOOL_BASE}/lti/deeplink",
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": f"{TOOL_BASE}/lti/deeplink",
                        },
                    ],
                },
            }
        ],
        "custom_fields": custom_fields
        if custom_fields is not None
        else {
            "canvas_user_id": "$Canvas.user.id",
            "canvas_course_id": "$Canvas.course.id",
            "canvas_membership_roles": "$Canvas.membership.roles",
            "canvas_api_base_url": "$Canvas.api.baseUrl",
            "is_root_admin": "$Canvas.user.isRootAccountAdmin",
            "unknown": "$Canvas.not.a.variable",
            "literal": "plain text",
        },
    }
    if jwk_url:
        config["public_jwk_url"] = jwk_url
    elif key is not None:
        config["public_jwk"] = key.jwk()
    return config


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"attrs": values, "fields": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    target: str | None
    fields: dict[str, str]


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return [
        Form(
            action=f["attrs"].get("action", ""),
            method=f["attrs"].get("method", "get").lower(),
            target=f["attrs"].get("target"),
            fields=f["fields"],
        )
        for f in parser.forms
    ]


def form_by_id(html: str, form_id: str) -> Form:
    parser = _FormParser()
    parser.feed(html)
    for f in parser.forms:
        if f["attrs"].get("id") == form_id:
            return Form(
                action=f["attrs"].get("action", ""),
                method=f["attrs"].get("method", "get").lower(),
                target=f["attrs"].get("target"),
                fields=f["fields"],
            )
    raise AssertionError(f"no form #{form_id} in page: {html[:300]}")


class Browser:
    """A person's browser on the sandbox (cookies as Chromium keeps them on loopback)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.http.get(url, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.http.post(url, **kwargs)

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "page has no csrf token"
        return match.group(1)

    def sign_in(self, user_id: int) -> None:
        """Pick who you are; keep the session cookie (Secure, so copied for plain http)."""
        start = self.get("/")
        response = self.post(
            "/login",
            data={"csrf_token": self.csrf(start.text), "user_id": str(user_id)},
            allow_redirects=False,
        )
        assert response.status_code == 303, response.text
        value = response.cookies.get("canvas_session")
        assert value, "no session cookie was set"
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "SameSite=None" in cookie and "HttpOnly" in cookie
        host = urlsplit(self.base_url).hostname or ""
        self.http.cookies.clear()
        self.http.cookies.set("canvas_session", value, domain=host, path="/")

    def login_form(self, path: str) -> Form:
        """Open a page that launches a tool and read its hidden login form (§2)."""
        page = self.get(path)
        assert page.status_code == 200, page.text[:500]
        return form_by_id(page.text, "tool_form")

    def authorize(
        self,
        login: Form,
        *,
        client_id: str | None = None,
        redirect_uri: str = REDIRECT_URI,
        state: str | None = None,
        nonce: str | None = None,
        **overrides: str | None,
    ) -> requests.Response:
        """The tool's auth request as pylti1p3 sends it, through authorize_redirect (§3.1)."""
        params: dict[str, str | None] = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": client_id or login.fields["client_id"],
            "redirect_uri": redirect_uri,
            "state": state if state is not None else f"state-{uuid.uuid4()}",
            "nonce": nonce if nonce is not None else secrets.token_hex(16),
            "login_hint": login.fields["login_hint"],
            "lti_message_hint": login.fields["lti_message_hint"],
        }
        params.update(overrides)
        query = urlencode({k: v for k, v in params.items() if v is not None})
        first = self.get(f"/api/lti/authorize_redirect?{query}", allow_redirects=False)
        if first.status_code != 302:
            return first
        return self.get(first.headers["Location"], allow_redirects=False)

    def launch(self, path: str, **kwargs: Any) -> Launch:
        """Open ``path``, run the OIDC flow, capture and verify the id_token."""
        login = self.login_form(path)
        nonce = secrets.token_hex(16)
        state = f"state-{uuid.uuid4()}"
        response = self.authorize(login, nonce=nonce, state=state, **kwargs)
        assert response.status_code == 200, response.text[:500]
        posted = form_by_id(response.text, "lti_form")
        assert "id_token" in posted.fields, posted.fields
        claims = verify_id_token(
            self.base_url, posted.fields["id_token"], login.fields["client_id"]
        )
        assert claims["nonce"] == nonce
        assert posted.fields["state"] == state
        return Launch(login=login, posted=posted, claims=claims)


@dataclass(frozen=True)
class Launch:
    login: Form
    posted: Form
    claims: dict[str, Any]

    def claim(self, name: str) -> Any:
        return self.claims[f"{LTI}/{name}"]


def platform_jwks(base_url: str) -> dict[str, Any]:
    response = requests.get(f"{base_url}/api/lti/security/jwks", timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def verify_id_token(base_url: str, token: str, client_id: str) -> dict[str, Any]:
    """Verify as a tool must: kid and alg from the header, key from the JWKS, aud = client_id."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    keys = {k["kid"]: k for k in platform_jwks(base_url)["keys"]}
    assert header["kid"] in keys, "token kid is not published"
    public = RSAAlgorithm.from_jwk(keys[header["kid"]])
    claims: dict[str, Any] = jwt.decode(
        token,
        public,  # type: ignore[arg-type]
        algorithms=["RS256"],
        audience=client_id,
        issuer="https://canvas.instructure.com",
    )
    return claims


def client_assertion(key: ToolKey, client_id: str, aud: str | list[str], **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now - 5,
        "exp": now + 60,
        "jti": f"lti-service-token-{uuid.uuid4()}",
    }
    claims.update(changes)
    return key.sign({k: v for k, v in claims.items() if v is not None})


def request_token(
    base_url: str, key: ToolKey, client_id: str, scopes: list[str], **changes: Any
) -> requests.Response:
    aud = changes.pop("aud", f"{base_url}/login/oauth2/token")
    return requests.post(
        f"{base_url}/login/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion(key, client_id, aud, **changes),
            "scope": " ".join(scopes),
        },
        timeout=10,
    )


def access_token(base_url: str, key: ToolKey, client_id: str, scopes: list[str]) -> str:
    response = request_token(base_url, key, client_id, scopes)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
