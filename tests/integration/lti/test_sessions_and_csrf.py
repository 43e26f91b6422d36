"""Server-side sessions in cookie and cookieless (platform storage + launch token) modes, CSRF."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from ctom_lti.lti.runtime import get_runtime
from tests.lti_fixtures import NOTHING_STORED, LaunchActions, drop_cookies, stored_counts
from tests.lti_support import TestPlatform, landed, parse_page_config

PROFILE = {"district": "Kern High", "job_title": "CTO", "years_in_leadership": "5", "bio": "Hi"}


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def test_cookie_session_attributes_and_hashed_storage(app: Flask, lti: LaunchActions) -> None:
    response = lti.launch("candidate")
    cookies = response.headers.getlist("Set-Cookie")
    [session_cookie] = [c for c in cookies if c.startswith("ctom_session=")]
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/"):
        assert attribute in session_cookie
    sid = session_cookie.split(";", 1)[0].split("=", 1)[1]
    store = get_runtime(app).sessions
    assert store.get(sid) is None  # the id itself is not a key ...
    assert store.get(hashlib.sha256(sid.encode()).hexdigest()) is not None  # ... its hash is
    # The used state cookie is cleared.
    assert any(c.startswith("ctom_st_") and "Max-Age=0" in c for c in cookies)
    assert "lt=" not in landed(response)


def test_every_response_keeps_referrers_and_framing_in_check(
    lti: LaunchActions, client: FlaskClient
) -> None:
    home = client.get(landed(lti.launch("candidate")))
    for response in (home, client.get("/lti/jwks"), client.get("/c/1/nope")):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "X-Frame-Options" not in response.headers
        csp = response.headers["Content-Security-Policy"]
        assert csp.startswith("frame-ancestors 'self' ")
        assert "https://canvas.test.example" in csp  # the registered platform's host


def test_profile_form_needs_csrf_in_cookie_mode(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    home_url = landed(lti.launch("candidate"))
    profile_url = home_url + "profile"
    refused = client.post(profile_url, data=PROFILE)
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    token = csrf_token(client.get(profile_url).get_data(as_text=True))
    saved = client.post(profile_url, data={**PROFILE, "csrf_token": token})
    assert saved.status_code == 302
    assert "Your profile is saved." in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_csrf_token_from_another_session_is_refused(
    app: Flask, lti: LaunchActions, test_platform: TestPlatform
) -> None:
    home_url = landed(lti.launch("candidate"))
    mine = csrf_token(lti.client.get(home_url + "profile").get_data(as_text=True))
    other = LaunchActions(app.test_client(), test_platform, lti.reg)
    other_home = landed(other.launch("candidate"))
    response = other.client.post(other_home + "profile", data={**PROFILE, "csrf_token": mine})
    assert response.status_code == 400


def _storage_launch(lti: LaunchActions, client: FlaskClient) -> tuple[str, str]:
    """Login and launch like a browser that keeps no cookies but has platform storage.

    Returns (continuation POST response location, the secret the login stored).
    """
    login = lti.login(lti_storage_target="post_message_forwarding")
    assert login.status == 200  # the platform-storage page, not a plain redirect
    state_key = f"state-{login.state}"
    assert set(login.storage_items) == {state_key, f"nonce-{login.nonce}"}
    drop_cookies(client)  # third-party cookies blocked
    token = lti.platform.sign(lti.claims("candidate", login))
    page = lti.post_launch(token, login.state, lti_storage_target="post_message_forwarding")
    assert page.status_code == 200
    config = parse_page_config(page.get_data(as_text=True))
    assert config["key"] == state_key
    assert config["origin"] == "https://canvas.test.example"
    assert config["target"] == "post_message_forwarding"
    return config["token"], login.storage_items[state_key]


def test_platform_storage_launch_then_token_mode(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    token, secret = _storage_launch(lti, client)
    assert stored_counts(app) == NOTHING_STORED  # parked, not yet accepted
    done = client.post("/lti/launch/continue", data={"token": token, "secret": secret})
    # The cookie is offered in this mode too; a browser that blocks it drops it, as here.
    assert "ctom_session=" in done.headers.get("Set-Cookie", "")
    client.delete_cookie("ctom_session")
    location = landed(done)
    home_path = urlsplit(location).path
    lt = parse_qs(urlsplit(location).query)["lt"][0]
    home = client.get(location)
    page = home.get_data(as_text=True)
    assert home.status_code == 200
    # Every link carries the launch token ...
    assert f'href="{home_path}profile?lt={lt}"' in page
    assert client.get(home_path).status_code == 401  # ... without it there is no session
    profile = client.get(f"{home_path}profile?lt={lt}").get_data(as_text=True)
    # ... and every form, as a hidden field as well as in its action.
    assert f'<input type="hidden" name="lt" value="{lt}">' in profile
    assert f'action="{home_path}profile?lt={lt}"' in profile
    saved = client.post(
        home_path + "profile", data={**PROFILE, "lt": lt, "csrf_token": csrf_token(profile)}
    )
    assert saved.status_code == 302
    assert f"lt={lt}" in saved.headers["Location"]
    no_csrf = client.post(home_path + "profile", data={**PROFILE, "lt": lt})
    assert no_csrf.status_code == 400
    # The continuation token works once.
    again = client.post("/lti/launch/continue", data={"token": token, "secret": secret})
    assert again.status_code == 400


def test_platform_storage_launch_with_the_wrong_secret(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    token, _secret = _storage_launch(lti, client)
    response = client.post("/lti/launch/continue", data={"token": token, "secret": "guess"})
    assert response.status_code == 400
    assert "could not be confirmed" in response.get_data(as_text=True)
    assert stored_counts(app) == NOTHING_STORED


def test_no_cookie_and_no_platform_storage_says_what_to_do(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    login = lti.login()
    drop_cookies(client)
    response = lti.post_launch(lti.platform.sign(lti.claims("candidate", login)), login.state)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "new window" in page
    assert stored_counts(app) == NOTHING_STORED


def test_a_new_launch_replaces_the_old_session(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    home = landed(lti.launch("candidate", sub="s1"))
    first = client.get_cookie("ctom_session")
    assert first is not None
    lti.launch("candidate", sub="s1")
    second = client.get_cookie("ctom_session")
    assert second is not None and second.value != first.value
    assert stored_counts(app)["sessions"] == 1
    assert client.get(home).status_code == 200
    client.set_cookie("ctom_session", first.value)
    assert client.get(home).status_code == 401


def test_expired_session_asks_to_relaunch(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    app.config["LTI_SESSION_LIFETIME"] = 0
    response = lti.launch("candidate")
    assert client.get(landed(response)).status_code == 401


def test_garbage_session_token_is_ignored(client: FlaskClient, lti: LaunchActions) -> None:
    assert client.get("/c/1/?lt=" + "%27" * 20).status_code == 401
    client.set_cookie("ctom_session", "x" * 3000)
    assert client.get("/c/1/").status_code == 401


def test_blocked_browser_is_offered_the_login_in_a_window_of_its_own(
    lti: LaunchActions, client: FlaskClient
) -> None:
    login = client.post(
        "/lti/login",
        data={
            "iss": lti.reg.issuer,
            "login_hint": "hint-7",
            "client_id": lti.reg.client_id,
            "deployment_id": lti.reg.deployment_id,
            "lti_message_hint": "m.s-g_1",
            "lti_storage_target": "post_message_forwarding",
        },
    )
    page = login.get_data(as_text=True)
    assert "Open CTO Mentor in a new window" in page
    href = re.search(r'id="new-window" href="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    assert query["lti_message_hint"] == ["m.s-g_1"]
    assert query["login_hint"] == ["hint-7"]
    assert "lti_storage_target" not in query  # a top-level window keeps first-party cookies
    # Opened in its own window, the same login goes straight to Canvas.
    again = client.get(href.replace("&amp;", "&"))
    assert again.status_code == 302
    assert again.headers["Location"].startswith(lti.platform.auth_login_url)
