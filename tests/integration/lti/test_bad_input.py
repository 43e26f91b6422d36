"""Bad input is a clear 4xx on every database: control characters, numbers out of range, claims
of the wrong type or size. None of it reaches a query, logs a traceback or stores anything."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from ctom_lti.db import get_engine, session_scope
from ctom_lti.lti import claims
from ctom_lti.tools.profile.models import ProgrammeProfile
from tests.integration.lti.test_hostile_launches import assert_refused
from tests.integration.tools.profile.test_views import open_profile
from tests.lti_fixtures import LaunchActions
from tests.lti_support import sign_raw


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs while the test goes on."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def _no_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize("field", ["iss", "client_id", "deployment_id", "login_hint"])
@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\n", "\x7f"])
def test_control_characters_at_login_are_a_400_before_any_query(  # noqa: PLR0917 - parametrised
    app: Flask,
    client: FlaskClient,
    lti: LaunchActions,
    statements: list[str],
    caplog: pytest.LogCaptureFixture,
    field: str,
    bad: str,
) -> None:
    params = {
        "iss": lti.reg.issuer,
        "login_hint": "a1b2",
        "client_id": lti.reg.client_id,
        "deployment_id": lti.reg.deployment_id,
    }
    params[field] = params[field][:5] + bad + params[field][5:]
    statements.clear()
    response = client.post("/lti/login", data=params)
    assert_refused(app, response, 400, f"{field}&#39; contains control characters")
    assert "ctom_st_" not in response.headers.get("Set-Cookie", "")
    # The refused login ran no SQL (stored_counts in assert_refused runs its own, afterwards).
    assert not [s for s in statements if "launch_state" in s or "WHERE platform" in s]
    _no_error_logged(caplog)


def _unsigned(body: dict[str, Any]) -> str:
    def segment(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'RS256', 'kid': 'k1'})}.{segment(body)}.c2ln"


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_control_characters_in_an_unsigned_token_are_a_400_before_the_lookup(
    app: Flask,
    lti: LaunchActions,
    statements: list[str],
    caplog: pytest.LogCaptureFixture,
    claim: str,
) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body[claim] = body[claim] + "\x00"
    if claim == "aud":
        body["azp"] = body["aud"]
    statements.clear()
    response = lti.post_launch(_unsigned(body), login.state)
    assert_refused(app, response, 400, "characters no registration has")
    assert not [s for s in statements if "WHERE platform" in s]
    _no_error_logged(caplog)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("version", "2147483648", "out of date; reload"),
        ("version", "9" * 23, "out of date; reload"),
        ("version", "9" * 5000, "out of date; reload"),
        ("version", "-1", "out of date; reload"),
        ("years_in_leadership", "2147483648", "at most 60 years"),
        ("years_in_leadership", "9" * 5000, "at most 60 years"),
    ],
)
def test_numbers_beyond_their_range_are_a_422_that_keeps_the_form(  # noqa: PLR0917 - parametrised
    app: Flask,
    lti: LaunchActions,
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    field: str,
    value: str,
    says: str,
) -> None:
    url, hidden = open_profile(lti)
    form = {
        **hidden,
        "district": "Kern High",
        "job_title": "CTO",
        "years_in_leadership": "7",
        "bio": "Kept as typed.",
        field: value,
    }
    response = client.post(url, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert says in page
    assert 'value="Kern High"' in page and "Kept as typed." in page
    with session_scope(app) as s:
        assert s.scalars(select(ProgrammeProfile)).first() is None
    _no_error_logged(caplog)


@pytest.mark.parametrize("exp", ["Infinity", "NaN", "1e400", "-Infinity"])
def test_token_times_that_are_not_finite_numbers_are_refused(
    app: Flask, lti: LaunchActions, exp: str
) -> None:
    login = lti.login()
    body = lti.claims("candidate", login)
    body["exp"] = "EXP"
    payload = json.dumps(body).replace('"EXP"', exp)
    response = lti.post_launch(sign_raw(lti.platform, payload), login.state)
    assert_refused(app, response, 400, "cannot be decoded|valid exp and iat")


def _with(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    holder = body
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ((claims.MESSAGE_TYPE,), [claims.RESOURCE_LINK_REQUEST], "cannot handle this kind"),
        ((claims.MESSAGE_TYPE,), {"a": 1}, "cannot handle this kind"),
        (("sub",), "s" * 256, "sub claim is not an identifier of at most 255"),
        (("sub",), ["a"], "sub claim is not an identifier"),
        (("sub",), "a\x00b", "sub claim is not an identifier"),
        ((claims.CONTEXT, "id"), "c" * 256, "context.id claim is not an identifier"),
        ((claims.CONTEXT, "id"), 12, "context.id claim is not an identifier"),
        ((claims.CONTEXT,), ["x"], "context claim is not an object"),
        ((claims.RESOURCE_LINK,), None, "resource_link claim is not an object"),
        ((claims.RESOURCE_LINK,), "link", "resource_link claim is not an object"),
        ((claims.ROLES,), claims.ROLE_INSTRUCTOR, "roles claim is not a list"),
        ((claims.DEPLOYMENT_ID,), [1], "deployment"),
        (("name",), "n" * 256, "name claim is not a text of at most 255"),
        (("email",), "e\x00@example.edu", "email claim is not a text"),
        ((claims.CUSTOM,), ["x"], "custom claim is not an object"),
        ((claims.CUSTOM, "canvas_user_id"), "9" * 65, "canvas_user_id claim"),
        ((claims.LAUNCH_PRESENTATION, "return_url"), ["u"], "return_url claim is not an address"),
        ((claims.AGS_ENDPOINT, "scope"), "all", "scope claim is not a list"),
    ],
)
def test_signed_claims_of_the_wrong_type_or_size_are_refused_not_cut(  # noqa: PLR0917
    app: Flask,
    lti: LaunchActions,
    caplog: pytest.LogCaptureFixture,
    path: Any,
    value: Any,
    says: str,
) -> None:
    login = lti.login()
    body = _with(lti.claims("candidate", login), path, value)
    response = lti.post_launch(lti.platform.sign(body), login.state)
    assert_refused(app, response, 400, says)
    _no_error_logged(caplog)


def test_two_people_whose_ids_differ_after_255_characters_stay_apart(
    app: Flask, lti: LaunchActions
) -> None:
    prefix = "p" * 255
    for last in "ab":
        login = lti.login()
        body = lti.claims("candidate", login, sub=prefix + last)
        assert_refused(app, lti.post_launch(lti.platform.sign(body), login.state), 400, "sub")
    # Exactly 255 characters fit and are kept whole.
    login = lti.login()
    body = lti.claims("candidate", login, sub=prefix, now=int(time.time()))
    assert lti.post_launch(lti.platform.sign(body), login.state).status_code == 200
