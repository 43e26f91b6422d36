"""The tool served over real HTTP: a browser-like client through login, launch and home."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from ctom_lti.serving import ServerThread
from tests.lti_fixtures import Registered
from tests.lti_support import (
    TestPlatform,
    http_browser,
    landed,
    launch_claims,
    parse_login_response,
)


@pytest.fixture
def tool_server(app: Flask) -> Iterator[ServerThread]:
    server = ServerThread(app).start()
    app.config["BASE_URL"] = server.base_url
    yield server
    server.stop()


def test_full_launch_over_http(
    tool_server: ServerThread, test_platform: TestPlatform, registered: Registered
) -> None:
    browser = http_browser()
    base = tool_server.base_url
    login = browser.post(
        base + "/lti/login",
        data={
            "iss": registered.issuer,
            "login_hint": "hint",
            "client_id": registered.client_id,
            "deployment_id": registered.deployment_id,
            "lti_message_hint": "m",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert login.status_code == 302
    auth = parse_login_response(302, login.headers["Location"], "")
    assert auth.params["redirect_uri"] == base + "/lti/launch"
    body = launch_claims(
        "mentor",
        issuer=registered.issuer,
        client_id=registered.client_id,
        deployment_id=registered.deployment_id,
        nonce=auth.nonce,
        mentees=("someone",),
    )
    launch = browser.post(
        base + "/lti/launch",
        data={"id_token": test_platform.sign(body), "state": auth.state},
        allow_redirects=False,
        timeout=10,
    )
    assert "Your mentees" in launch.text
    home = browser.get(base + landed(launch), timeout=10)
    assert home.status_code == 200
    assert "Your mentees" in home.text
    assert home.headers["Referrer-Policy"] == "no-referrer"
    config = browser.get(base + "/lti/config.json", timeout=10).json()
    assert config["oidc_initiation_url"] == base + "/lti/login"
    assert browser.get(base + "/.well-known/jwks.json", timeout=10).json() == {"keys": []}
