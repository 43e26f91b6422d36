"""Fixtures for LTI tests: a test platform, a registration, and a launch helper per role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ctom_lti.db import session_scope
from ctom_lti.lti.keys import ensure_current_key
from ctom_lti.lti.registrations import RegistrationInput, register_platform
from ctom_lti.serving import ServerThread
from tests.lti_support import LoginResult, TestPlatform, launch_claims, parse_login_response

CLIENT_ID = "170000000000417"
DEPLOYMENT_ID = "5123:9c1e4b7a2d0f6e8a3b5c7d9e1f2a4b6c8d0e2f4a"


@dataclass(frozen=True)
class Registered:
    issuer: str
    client_id: str
    deployment_id: str
    platform_id: int


def register(
    app: Flask,
    platform: TestPlatform,
    *,
    client_id: str = CLIENT_ID,
    deployment_ids: tuple[str, ...] = (DEPLOYMENT_ID,),
    token_url: str | None = None,
) -> Registered:
    """Register ``platform`` in ``app``'s database as an admin would with the CLI."""
    result = register_platform(
        app,
        RegistrationInput(
            issuer=platform.issuer,
            client_id=client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=token_url or platform.token_url,
            key_set_url=platform.jwks_url,
            deployment_ids=deployment_ids,
        ),
    )
    return Registered(platform.issuer, client_id, deployment_ids[0], result.platform_id)


def drop_cookies(client: FlaskClient) -> None:
    """Forget every cookie the test client holds, as a browser that blocks them would."""
    cookies = client._cookies
    assert cookies is not None, "the test client was made without cookies"
    cookies.clear()


@pytest.fixture(scope="session")
def test_platform() -> Iterator[TestPlatform]:
    platform = TestPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def registered(app: Flask, test_platform: TestPlatform) -> Registered:
    return register(app, test_platform)


class LaunchActions:
    """Drives login → (platform) → launch against the tool through a Flask test client."""

    def __init__(self, client: FlaskClient, platform: TestPlatform, reg: Registered) -> None:
        self.client = client
        self.platform = platform
        self.reg = reg

    def login(self, **overrides: str | None) -> LoginResult:
        params: dict[str, str] = {
            "iss": self.reg.issuer,
            "login_hint": "a1b2c3",
            "client_id": self.reg.client_id,
            "deployment_id": self.reg.deployment_id,
            "target_link_uri": "http://localhost/lti/launch",
            "lti_message_hint": "hint-jwt",
            "canvas_region": "us-east-1",
            "canvas_environment": "prod",
        }
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        response = self.client.post("/lti/login", data=params)
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
        return parse_login_response(
            response.status_code, response.headers.get("Location"), response.get_data(as_text=True)
        )

    def claims(self, role: str, login: LoginResult, **kwargs: Any) -> dict[str, Any]:
        return launch_claims(
            role,
            issuer=self.reg.issuer,
            client_id=self.reg.client_id,
            deployment_id=self.reg.deployment_id,
            nonce=login.nonce,
            **kwargs,
        )

    def post_launch(self, id_token: str, state: str, **extra: str) -> TestResponse:
        return self.client.post("/lti/launch", data={"id_token": id_token, "state": state, **extra})

    def launch(
        self,
        role: str = "candidate",
        *,
        body: Mapping[str, Any] | None = None,
        login: LoginResult | None = None,
        **claim_kwargs: Any,
    ) -> TestResponse:
        """A full launch for ``role``; returns the tool's answer to the id_token POST."""
        login = login or self.login()
        token_body = dict(body) if body is not None else self.claims(role, login, **claim_kwargs)
        return self.post_launch(self.platform.sign(token_body), login.state)


@pytest.fixture
def tool_server(app: Flask) -> Iterator[ServerThread]:
    """The tool served over HTTP, with a signing key (Canvas fetches its config and key set)."""
    # The tool on "localhost", the sandbox on "127.0.0.1": different sites, as in production.
    server = ServerThread(app, host="localhost")
    app.config["BASE_URL"] = server.base_url
    ensure_current_key(app)
    with server:
        yield server


@pytest.fixture
def lti(client: FlaskClient, test_platform: TestPlatform, registered: Registered) -> LaunchActions:
    return LaunchActions(client, test_platform, registered)


def stored_counts(app: Flask) -> dict[str, int]:
    """How many people, cohorts, memberships and sessions the tool has stored."""
    from sqlalchemy import func, select

    from ctom_lti.lti.models import SessionRecord
    from ctom_lti.models import Cohort, Membership, Person

    with session_scope(app) as session:
        counts = {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in (
                ("people", Person),
                ("cohorts", Cohort),
                ("memberships", Membership),
            )
        }
        db_sessions = int(session.scalar(select(func.count()).select_from(SessionRecord)) or 0)
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        counts["sessions"] = len(list(client.scan_iter("ctom:session:*")))
        client.close()
    else:
        counts["sessions"] = db_sessions
    return counts


NOTHING_STORED = {"people": 0, "cohorts": 0, "memberships": 0, "sessions": 0}
