"""Session and framing hygiene: caches, link tokens, HSTS, who may place content in Canvas."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ctom_lti import create_app
from ctom_lti.db import session_scope
from ctom_lti.lti import claims
from ctom_lti.lti.models import LaunchStateRecord
from tests.lti_fixtures import NOTHING_STORED, LaunchActions, Registered, stored_counts
from tests.lti_support import TestPlatform, landed


def _session_id(client: FlaskClient) -> str:
    cookie = client.get_cookie("ctom_session")
    assert cookie is not None
    return cookie.value


def test_a_link_token_never_replaces_the_session_the_browser_holds(
    app: Flask, lti: LaunchActions, test_platform: TestPlatform, registered: Registered
) -> None:
    home = urlsplit(landed(lti.launch("candidate", sub="victim-0001"))).path
    victim = lti.client
    assert "Candidate vict" in victim.get(home).get_data(as_text=True)
    # Someone else launches in the same course and sends the victim a link with their token.
    other = LaunchActions(app.test_client(), test_platform, registered)
    other.launch("candidate", sub="intruder-01")
    intruder_sid = _session_id(other.client)
    page = victim.get(f"{home}?lt={intruder_sid}").get_data(as_text=True)
    assert "Candidate vict" in page and "Candidate intr" not in page
    profile = victim.get(f"{home}profile?lt={intruder_sid}").get_data(as_text=True)
    assert f"lt={intruder_sid}" not in profile
    # A browser that keeps no cookie goes by the token alone (cookieless mode).
    bare = app.test_client()
    assert "Candidate intr" in bare.get(f"{home}?lt={intruder_sid}").get_data(as_text=True)
    # A stale cookie is no session: then the token counts.
    bare.set_cookie("ctom_session", "stale-session-id")
    assert "Candidate intr" in bare.get(f"{home}?lt={intruder_sid}").get_data(as_text=True)


def test_the_newest_launch_of_the_browser_wins_over_an_older_tokened_link(
    app: Flask, lti: LaunchActions
) -> None:
    first = landed(lti.launch("candidate", sub="same-person"))
    first_sid = _session_id(lti.client)
    lti.launch("instructor", sub="same-person")
    # A tab still holding the first launch's token (now retired) follows the newest launch.
    page = lti.client.get(f"{urlsplit(first).path}?lt={first_sid}")
    assert page.status_code == 200
    assert "Instructor" in page.get_data(as_text=True)


def _no_store(response: Any) -> None:
    assert response.headers.get("Cache-Control") == "no-store", (
        response.status_code,
        response.headers.get("Cache-Control"),
    )


def test_every_personal_page_says_no_store(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    launch = lti.launch("instructor", message_type=claims.DEEP_LINKING_REQUEST)
    _no_store(launch)
    picker = client.get(landed(launch))
    assert picker.status_code == 200
    _no_store(picker)
    home = urlsplit(landed(lti.launch("candidate"))).path
    for path in (home, home + "profile", "/c/999999/", home + "deep-link", "/nope"):
        _no_store(client.get(path))
    _no_store(app.test_client().get(home))  # the 401 page
    storage_login = client.post(
        "/lti/login",
        data={
            "iss": lti.reg.issuer,
            "login_hint": "h",
            "client_id": lti.reg.client_id,
            "lti_storage_target": "post_message_forwarding",
        },
    )
    _no_store(storage_login)
    # What is public says so.
    assert "public" in client.get("/lti/jwks").headers["Cache-Control"]
    static = client.get("/static/ctom.css")
    assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"


def test_hsts_when_served_over_https_behind_the_proxy(app_config: dict[str, Any]) -> None:
    proxied = create_app({**app_config, "PROXY_FIX": True})
    client = proxied.test_client()
    secure = client.get("/lti/jwks", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1]) >= 180 * 24 * 3600
    plain = client.get("/lti/jwks")
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize("role", ["candidate", "mentor"])
def test_only_instructors_and_admins_may_place_content(
    lti: LaunchActions, client: FlaskClient, role: str
) -> None:
    launch = lti.launch(role, message_type=claims.DEEP_LINKING_REQUEST, placement="editor_button")
    url = landed(launch, status=403)
    assert "Only instructors and programme administrators can add" in launch.get_data(as_text=True)
    picker = client.get(url)
    page = picker.get_data(as_text=True)
    assert picker.status_code == 403
    assert "Only instructors and programme administrators can add" in page
    # A valid CSRF token of the same session, from a form the person may use.
    profile = client.get(url.replace("deep-link", "profile")).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', profile)
    assert csrf is not None
    answer = client.post(url, data={"csrf_token": csrf.group(1), "item": "home"})
    assert answer.status_code == 403
    assert 'name="JWT"' not in answer.get_data(as_text=True)


def test_admins_may_place_content(lti: LaunchActions, client: FlaskClient) -> None:
    launch = lti.launch("admin", message_type=claims.DEEP_LINKING_REQUEST)
    assert client.get(landed(launch)).status_code == 200


def _state_records(app: Flask) -> int:
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        count = len(list(client.scan_iter("ctom:state:*")))
        client.close()
        return count
    with session_scope(app) as session:
        return int(session.scalar(select(func.count()).select_from(LaunchStateRecord)) or 0)


def test_anonymous_logins_store_nothing(app: Flask, lti: LaunchActions) -> None:
    logins = []
    for i in range(300):
        extra = {"lti_storage_target": "post_message_forwarding"} if i % 2 else {}
        logins.append(lti.login(login_hint=f"anyone-{i}", **extra))
    assert _state_records(app) == 0
    assert stored_counts(app) == NOTHING_STORED
    # Each of them still works, once.
    login = logins[-2]
    token = lti.platform.sign(lti.claims("candidate", login))
    assert lti.post_launch(token, login.state).status_code == 200
    replay = lti.post_launch(token, login.state)
    assert replay.status_code == 400
    assert "expired or was already used" in replay.get_data(as_text=True)
    # A forged or altered state is no state.
    state = logins[-4].state
    forged = state[:-1] + ("A" if state[-1] != "A" else "B")
    token = lti.platform.sign(lti.claims("candidate", logins[-4]))
    assert "expired or was already used" in lti.post_launch(token, forged).get_data(as_text=True)
