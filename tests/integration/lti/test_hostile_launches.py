"""Bad and hostile launches: each ends in a clear 4xx page, stores nothing and leaks nothing."""

from __future__ import annotations

import base64
import json
import re
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ctom_lti.lti import claims
from tests.lti_fixtures import NOTHING_STORED, LaunchActions, register, stored_counts
from tests.lti_support import TestPlatform, landed

_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def assert_refused(
    app: Flask, response: TestResponse, status: int, says: str, *, secret: str | None = None
) -> None:
    """A clear page with ``status`` that says ``says``, nothing stored and nothing leaked."""
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:800]
    assert re.search(says, body), f"expected {says!r} in: {body[:800]}"
    assert "What to do" in body
    assert "Traceback" not in body and "Exception" not in body
    if secret:
        assert secret not in body
    assert "ctom_session=" not in response.headers.get("Set-Cookie", "")
    assert stored_counts(app) == NOTHING_STORED


def test_forged_signature(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    token = lti.platform.sign(
        lti.claims("instructor", login), kid=lti.platform.current_kid, key=_OTHER_KEY
    )
    response = lti.post_launch(token, login.state)
    assert_refused(app, response, 400, "signature is not valid", secret=token)


def test_tampered_roles_claim(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    header, payload, signature = lti.platform.sign(lti.claims("candidate", login)).split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body[claims.ROLES] = ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    token = f"{header}.{forged_payload}.{signature}"
    assert_refused(app, lti.post_launch(token, login.state), 400, "signature is not valid")


def test_unknown_kid_is_refetched_once_then_refused(app: Flask, lti: LaunchActions) -> None:
    lti.platform.jwks_requests = 0
    login = lti.login()
    token = lti.platform.sign(
        lti.claims("candidate", login), kid="2099-01-01T00:00:00Z", key=_OTHER_KEY
    )
    assert_refused(app, lti.post_launch(token, login.state), 400, "does not publish")
    # The first lookup fetched the key set; an unknown kid in a just-fetched set is not refetched.
    assert lti.platform.jwks_requests == 1
    # A later launch with the same unknown kid does not make the tool refetch again.
    login = lti.login()
    token = lti.platform.sign(
        lti.claims("candidate", login), kid="2099-01-01T00:00:00Z", key=_OTHER_KEY
    )
    assert_refused(app, lti.post_launch(token, login.state), 400, "does not publish")
    assert lti.platform.jwks_requests == 1


def test_expired_token(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login, now=int(time.time()) - 3600 - 120)
    assert_refused(app, lti.post_launch(lti.platform.sign(body), login.state), 400, "expired")


def test_iat_in_the_future_beyond_the_leeway(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login, now=int(time.time()) + 120)
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "dated in the future")


def test_iat_in_the_future_within_the_leeway_is_accepted(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login, now=int(time.time()) + 30)
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert response.status_code == 200
    assert stored_counts(app)["people"] == 1


def test_audience_of_an_unregistered_client(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body["aud"] = body["azp"] = "99999"
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "not registered")


def test_audience_listing_several_clients_without_azp(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body["aud"] = [lti.reg.client_id, "another-tool"]
    del body["azp"]
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "which platform and client")


def test_token_for_another_registered_client_than_the_login(
    app: Flask, lti: LaunchActions, test_platform: TestPlatform
) -> None:
    other = register(app, test_platform, client_id="170000000000999", deployment_ids=("7:x",))
    login = lti.login()
    body = lti.claims("candidate", login)
    body["aud"] = body["azp"] = other.client_id
    body[claims.DEPLOYMENT_ID] = "7:x"
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "different platform than its sign-in")


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ({"iss": "https://evil.example"}, "not registered"),
        ({"client_id": "424242"}, "not registered"),
        ({"deployment_id": "1:unknown"}, "deployment of the tool is not registered"),
        ({"iss": None}, "missing iss"),
        ({"login_hint": None}, "missing login_hint"),
    ],
)
def test_bad_login_initiation(
    app: Flask, client: FlaskClient, lti: LaunchActions, override: dict[str, str | None], says: str
) -> None:
    params = {
        "iss": lti.reg.issuer,
        "login_hint": "x",
        "client_id": lti.reg.client_id,
        "deployment_id": lti.reg.deployment_id,
    }
    for key, value in override.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    response = client.post("/lti/login", data=params)
    assert_refused(app, response, 400, says)
    assert "ctom_st_" not in response.headers.get("Set-Cookie", "")


def test_unknown_issuer_in_the_token(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body["iss"] = "https://evil.example"
    assert_refused(
        app, lti.post_launch(lti.platform.sign(body), login.state), 400, "not registered"
    )


def test_unknown_deployment_in_the_token(app: Flask, lti: LaunchActions) -> None:
    login = lti.login(deployment_id=None)
    body = lti.claims("candidate", login)
    body[claims.DEPLOYMENT_ID] = "99:not-installed"
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "deployment of the tool is not registered")


def test_deployment_differs_from_the_login(
    app: Flask, lti: LaunchActions, test_platform: TestPlatform
) -> None:
    register(app, test_platform, deployment_ids=(lti.reg.deployment_id, "6:second"))
    login = lti.login()
    body = lti.claims("candidate", login)
    body[claims.DEPLOYMENT_ID] = "6:second"
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, "different deployment")


def test_missing_state(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    token = lti.platform.sign(lti.claims("candidate", login))
    response = lti.client.post("/lti/launch", data={"id_token": token})
    assert_refused(app, response, 400, "sign-in state")


def test_unknown_state(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    token = lti.platform.sign(lti.claims("candidate", login))
    assert_refused(app, lti.post_launch(token, "state-made-up"), 400, "expired or was already used")


def test_state_of_another_login_fails_the_nonce(app: Flask, lti: LaunchActions) -> None:
    first, second = lti.login(), lti.login()
    token = lti.platform.sign(lti.claims("candidate", first))
    assert_refused(app, lti.post_launch(token, second.state), 400, "nonce does not match")


def test_non_ascii_nonce_is_refused_not_a_server_error(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    token = lti.platform.sign({**lti.claims("candidate", login), "nonce": "nonce-é"})
    assert_refused(app, lti.post_launch(token, login.state), 400, "nonce does not match")


def test_non_ascii_state_cookie_is_refused_not_a_server_error(
    app: Flask, lti: LaunchActions
) -> None:
    login = lti.login()
    lti.client.set_cookie(f"ctom_st_{login.state}", "é", path="/lti/launch")
    token = lti.platform.sign(lti.claims("candidate", login))
    assert_refused(app, lti.post_launch(token, login.state), 400, "does not match this browser")


def test_state_cookie_of_another_login(app: Flask, lti: LaunchActions) -> None:
    lti.login()
    second = lti.login()
    lti.client.delete_cookie(f"ctom_st_{second.state}", path="/lti/launch")
    token = lti.platform.sign(lti.claims("candidate", second))
    response = lti.post_launch(token, second.state)
    assert_refused(app, response, 400, "does not match this browser")


def test_replayed_id_token(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    token = lti.platform.sign(lti.claims("candidate", login))
    assert lti.post_launch(token, login.state).status_code == 200
    before = stored_counts(app)
    replay = lti.post_launch(token, login.state)
    assert replay.status_code == 400
    assert "expired or was already used" in replay.get_data(as_text=True)
    assert "ctom_session=" not in replay.headers.get("Set-Cookie", "")
    assert stored_counts(app) == before


def test_replay_from_another_browser_without_cookies(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    login = lti.login()
    token = lti.platform.sign(lti.claims("candidate", login))
    attacker = app.test_client()
    response = attacker.post("/lti/launch", data={"id_token": token, "state": login.state})
    assert_refused(app, response, 400, "blocked the launch")
    # The state is gone now, so the real browser cannot be tricked into a second use either.
    assert lti.post_launch(token, login.state).status_code == 400


def test_oversized_form(app: Flask, lti: LaunchActions) -> None:
    response = lti.client.post(
        "/lti/launch", data={"id_token": "x" * (2 * 1024 * 1024), "state": "s"}
    )
    assert_refused(app, response, 413, "too large")


def test_form_with_too_many_fields(app: Flask, lti: LaunchActions) -> None:
    junk = {f"f{i}": "1" for i in range(1000)}
    assert_refused(app, lti.client.post("/lti/launch", data=junk), 400, "sign-in state")
    multipart = lti.client.post("/lti/launch", data=junk, content_type="multipart/form-data")
    assert_refused(app, multipart, 413, "too large")


@pytest.mark.parametrize(
    ("id_token", "says"),
    [
        ("not-a-jwt", "not a signed JWT"),
        ("a.b.c", "cannot be decoded"),
        ("e30.W10.sig", "cannot be decoded"),  # header {} and a body that is a list
        ("", "no id_token"),
    ],
)
def test_malformed_id_token(app: Flask, lti: LaunchActions, id_token: str, says: str) -> None:
    login = lti.login()
    assert_refused(app, lti.post_launch(id_token, login.state), 400, says)


def test_token_without_kid(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    import jwt

    token = jwt.encode(body, lti.platform.keys[lti.platform.current_kid], algorithm="RS256")
    assert_refused(app, lti.post_launch(token, login.state), 400, "does not name its signing key")


def test_hs256_token_with_a_known_kid(app: Flask, lti: LaunchActions) -> None:
    import jwt

    login = lti.login()
    token = jwt.encode(
        lti.claims("candidate", login),
        "s" * 64,
        algorithm="HS256",
        headers={"kid": lti.platform.current_kid},
    )
    assert_refused(app, lti.post_launch(token, login.state), 400, "not accepted")


@pytest.mark.parametrize(
    ("message_type", "says"),
    [
        ("LtiFancyNewRequest", "cannot handle this kind of launch"),
        ("DataPrivacyLaunchRequest", "cannot handle this kind of launch"),
        ("LtiSubmissionReviewRequest", "cannot handle this kind of launch"),
    ],
)
def test_unsupported_message_types(
    app: Flask, lti: LaunchActions, message_type: str, says: str
) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body[claims.MESSAGE_TYPE] = message_type
    assert_refused(app, lti.post_launch(lti.platform.sign(body), login.state), 400, says)


def test_resource_link_launch_without_resource_link(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    del body[claims.RESOURCE_LINK]
    assert_refused(app, lti.post_launch(lti.platform.sign(body), login.state), 400, "Resource Link")


def test_launch_outside_a_course(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    body = lti.claims("admin", login)
    del body[claims.CONTEXT]
    assert_refused(
        app,
        lti.post_launch(lti.platform.sign(body), login.state),
        400,
        "did not come from a course",
    )


def test_platform_reports_an_oidc_error(app: Flask, lti: LaunchActions) -> None:
    login = lti.login()
    response = lti.client.post(
        "/lti/launch",
        data={
            "error": "login_required",
            "error_description": "Must have an active user session",
            "state": login.state,
        },
    )
    assert_refused(app, response, 400, "Must have an active user session")


def test_launch_for_course_a_cannot_reach_course_b(
    app: Flask, client: FlaskClient, lti: LaunchActions, test_platform: TestPlatform
) -> None:
    # Someone else's launch creates course B's cohort.
    other = app.test_client()
    other_lti = LaunchActions(other, test_platform, lti.reg)
    b = other_lti.launch("instructor", context_id="b" * 40, canvas_course_id="2000")
    cohort_b = int(landed(b).split("/")[2])
    a = lti.launch("instructor")
    cohort_a = int(landed(a).split("/")[2])
    assert cohort_a != cohort_b
    assert client.get(f"/c/{cohort_a}/").status_code == 200
    for path in (f"/c/{cohort_b}/", f"/c/{cohort_b}/profile", f"/c/{cohort_b}/deep-link"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "different course" in response.get_data(as_text=True)
    page = client.get(f"/c/{cohort_a}/profile").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    post = client.post(
        f"/c/{cohort_b}/profile",
        data={"csrf_token": csrf, "district": "X", "job_title": "Y", "years_in_leadership": "1"},
    )
    assert post.status_code == 403
    # And without any session, the pages ask to open the tool from Canvas.
    assert app.test_client().get(f"/c/{cohort_a}/").status_code == 401
