"""Launches over real HTTP, as a browser makes them: login → (platform) → launch → landing page."""

from __future__ import annotations

import requests

from tests.lti_fixtures import Registered
from tests.lti_support import TestPlatform, landed, launch_claims, parse_login_response

#: Long enough for any healthy answer on a loaded machine; far shorter than the 10 s a request
#: used to hang on a frozen dependency.
PATIENCE = 6.0


def login(browser: requests.Session, base: str, reg: Registered) -> requests.Response:
    return browser.post(
        base + "/lti/login",
        data={
            "iss": reg.issuer,
            "login_hint": "hint",
            "client_id": reg.client_id,
            "deployment_id": reg.deployment_id,
        },
        allow_redirects=False,
        timeout=PATIENCE,
    )


def post_launch(
    browser: requests.Session,
    base: str,
    reg: Registered,
    platform: TestPlatform,
    login_response: requests.Response,
) -> requests.Response:
    auth = parse_login_response(302, login_response.headers["Location"], "")
    body = launch_claims(
        "candidate",
        issuer=reg.issuer,
        client_id=reg.client_id,
        deployment_id=reg.deployment_id,
        nonce=auth.nonce,
    )
    return browser.post(
        base + "/lti/launch",
        data={"id_token": platform.sign(body), "state": auth.state},
        allow_redirects=False,
        timeout=PATIENCE,
    )


def launch_home(
    browser: requests.Session, base: str, reg: Registered, platform: TestPlatform
) -> str:
    """A full launch; returns the home page's address (which carries the session)."""
    first = login(browser, base, reg)
    assert first.status_code == 302, first.text[:500]
    home = base + landed(post_launch(browser, base, reg, platform, first))
    assert browser.get(home, timeout=PATIENCE).status_code == 200
    return home
