"""LTI Advantage calls: tokens cached per registration and scope set, dropped on 401, timeouts."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
import requests
from flask import Flask, Response, request

from ctom_lti import create_app
from ctom_lti.lti import claims
from ctom_lti.lti.access import SessionLaunch
from ctom_lti.lti.keys import ensure_current_key
from ctom_lti.lti.services import ServiceUnavailable, ags_for, nrps_for, registration_for
from ctom_lti.models import Role
from ctom_lti.serving import ServerThread
from tests.lti_fixtures import register
from tests.lti_support import TestPlatform


@dataclass
class FakeServices:
    """A platform's token endpoint and a roster endpoint, on loopback."""

    token_requests: list[dict[str, Any]] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    expires_in: int = 3600
    delay: float = 0.0
    server: ServerThread | None = None

    def start(self) -> FakeServices:
        app = Flask("fake_services")

        @app.post("/login/oauth2/token")
        def token() -> Response:
            assertion = jwt.decode(
                request.form["client_assertion"], options={"verify_signature": False}
            )
            self.token_requests.append({"sub": assertion["sub"], "scope": request.form["scope"]})
            value = f"tok-{assertion['sub']}-{len(self.token_requests)}"
            self.valid_tokens.add(value)
            return Response(
                json.dumps(
                    {"access_token": value, "token_type": "Bearer", "expires_in": self.expires_in}
                ),
                mimetype="application/json",
            )

        @app.get("/api/lti/courses/1/names_and_roles")
        def members() -> Response:
            time.sleep(self.delay)
            auth = request.headers.get("Authorization", "")
            if auth.removeprefix("Bearer ") not in self.valid_tokens:
                return Response(
                    '{"errors":{"type":"unauthorized","message":"Invalid access token"}}', 401
                )
            body = {
                "id": request.url,
                "members": [{"user_id": "u1", "roles": [claims.ROLE_LEARNER]}],
            }
            return Response(
                json.dumps(body),
                mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )

        self.server = ServerThread(app).start()
        return self

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return self.server.base_url


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices().start()
    yield fake
    assert fake.server is not None
    fake.server.stop()


def launch_for(platform_id: int, services: FakeServices) -> SessionLaunch:
    return SessionLaunch(
        person_id=1,
        cohort_id=1,
        platform_id=platform_id,
        sub="s",
        deployment_id="d",
        roles=frozenset({Role.INSTRUCTOR}),
        mentee_subs=(),
        display_name="I",
        cohort_title="C",
        message_type=claims.RESOURCE_LINK_REQUEST,
        services={
            "nrps": services.base_url + "/api/lti/courses/1/names_and_roles",
            "lineitems": None,
        },
    )


def register_with(
    app: Flask, platform: TestPlatform, services: FakeServices, client_id: str
) -> int:
    """Register ``platform`` with its token endpoint on the fake services server."""
    reg = register(
        app, platform, client_id=client_id, token_url=services.base_url + "/login/oauth2/token"
    )
    return reg.platform_id


def members(app: Flask, launch: SessionLaunch) -> list[Any]:
    with app.app_context():
        return list(nrps_for(app, launch).get_members())


def test_tokens_are_per_client_and_reused(
    app: Flask, app_config: dict[str, Any], test_platform: TestPlatform, services: FakeServices
) -> None:
    ensure_current_key(app)
    a = launch_for(register_with(app, test_platform, services, "100"), services)
    b = launch_for(register_with(app, test_platform, services, "200"), services)
    assert members(app, a)[0]["user_id"] == "u1"
    members(app, a)
    # Same issuer, same token URL and scopes, but another developer key: its own token.
    members(app, b)
    assert [r["sub"] for r in services.token_requests] == ["100", "200"]
    assert services.token_requests[0]["scope"] == claims.SCOPE_NRPS
    # Another worker shares the cached tokens.
    other_worker = create_app(app_config)
    members(other_worker, a)
    assert len(services.token_requests) == 2


def test_rejected_token_is_dropped_and_the_call_retried_once(
    app: Flask, test_platform: TestPlatform, services: FakeServices
) -> None:
    ensure_current_key(app)
    launch = launch_for(register_with(app, test_platform, services, "100"), services)
    members(app, launch)
    services.valid_tokens.clear()  # the platform revokes it
    assert members(app, launch)[0]["user_id"] == "u1"
    assert len(services.token_requests) == 2
    members(app, launch)
    assert len(services.token_requests) == 2  # the new token is cached in turn


def test_short_lived_tokens_are_not_cached(
    app: Flask, test_platform: TestPlatform, services: FakeServices
) -> None:
    ensure_current_key(app)
    services.expires_in = 30  # under the one-minute safety margin
    launch = launch_for(register_with(app, test_platform, services, "100"), services)
    members(app, launch)
    members(app, launch)
    assert len(services.token_requests) == 2


def test_every_outbound_call_has_a_timeout(
    app_config: dict[str, Any], test_platform: TestPlatform, services: FakeServices
) -> None:
    app = create_app({**app_config, "LTI_HTTP_READ_TIMEOUT": 0.1})
    ensure_current_key(app)
    launch = launch_for(register_with(app, test_platform, services, "100"), services)
    # The platform would answer after 2 s; a 0.1 s read timeout must give up long before that.
    # The bound is generous so a loaded machine cannot make the test flaky.
    services.delay = 2.0
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        members(app, launch)
    assert time.monotonic() - started < 1.5


def test_service_not_offered(
    app: Flask, test_platform: TestPlatform, services: FakeServices
) -> None:
    reg = register(app, test_platform)
    launch = launch_for(reg.platform_id, services)
    bare = SessionLaunch(**{**launch.__dict__, "services": {"nrps": None, "lineitems": None}})
    with pytest.raises(ServiceUnavailable), app.app_context():
        nrps_for(app, bare)
    with pytest.raises(ServiceUnavailable), app.app_context():
        ags_for(app, bare)
    assert registration_for(app, 999999) is None
