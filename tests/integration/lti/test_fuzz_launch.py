"""Property-based fuzzing of login and launch: whatever arrives, never a 5xx, and a refused
request stores nothing (no person, cohort, membership, session, parked launch or login state;
a platform-signed token only spends its state, so that it cannot be replayed).

Examples are bounded so the module runs in the normal suite in a few seconds; Hypothesis keeps
what it found in no database (``database=None``), so every run is independent of the last.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.test import TestResponse

from ctom_lti.db import session_scope
from ctom_lti.lti import claims
from ctom_lti.lti.models import LaunchStateRecord
from tests.lti_fixtures import LaunchActions, stored_counts
from tests.lti_support import landed, page_address, sign_raw

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text a hostile or broken client may send: control characters, other scripts, long runs.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.sampled_from(
        ["\x00", "a\x00b", "\x1b[2J", "$Canvas.user.id", "\u202e", "%00", "\U0001d518"]
    ),
    st.integers(min_value=250, max_value=5000).map(lambda n: "x" * n),
)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
#: Any JSON value, nested two levels at most.
json_value = st.one_of(
    json_scalar,
    st.lists(json_scalar, max_size=3),
    st.dictionaries(st.text(max_size=8), json_scalar, max_size=3),
    st.lists(st.dictionaries(st.text(max_size=4), json_scalar, max_size=2), max_size=2),
)

#: Where a mutation lands: every claim the tool reads, and then some.
CLAIM_PATHS: list[tuple[str, ...]] = [
    ("iss",),
    ("aud",),
    ("azp",),
    ("sub",),
    ("exp",),
    ("iat",),
    ("nbf",),
    ("nonce",),
    ("name",),
    ("given_name",),
    ("family_name",),
    ("email",),
    (claims.MESSAGE_TYPE,),
    (claims.VERSION,),
    (claims.DEPLOYMENT_ID,),
    (claims.TARGET_LINK_URI,),
    (claims.ROLES,),
    (claims.ROLE_SCOPE_MENTOR,),
    (claims.CONTEXT,),
    (claims.CONTEXT, "id"),
    (claims.CONTEXT, "title"),
    (claims.CONTEXT, "label"),
    (claims.RESOURCE_LINK,),
    (claims.RESOURCE_LINK, "id"),
    (claims.CUSTOM,),
    (claims.CUSTOM, "canvas_user_id"),
    (claims.CUSTOM, "canvas_course_id"),
    (claims.CUSTOM, "canvas_membership_roles"),
    (claims.CUSTOM, "ctom_page"),
    (claims.CUSTOM, "principle_key"),
    (claims.LIS,),
    (claims.LIS, "person_sourcedid"),
    (claims.LAUNCH_PRESENTATION,),
    (claims.LAUNCH_PRESENTATION, "return_url"),
    (claims.AGS_ENDPOINT,),
    (claims.AGS_ENDPOINT, "scope"),
    (claims.AGS_ENDPOINT, "lineitems"),
    (claims.NRPS,),
    (claims.NRPS, "context_memberships_url"),
    (claims.DEEP_LINKING_SETTINGS,),
    (claims.DEEP_LINKING_SETTINGS, "deep_link_return_url"),
    (claims.DEEP_LINKING_SETTINGS, "accept_types"),
    (claims.CANVAS_PLACEMENT,),
]


def _stored(app: Flask) -> dict[str, int]:
    """Everything a request could leave behind, counted: people, cohorts, memberships,
    sessions, parked launches and other launch state ("states"), and spent login states."""
    counts = stored_counts(app)
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = [k.decode() for k in client.scan_iter("ctom:state:*")]
        client.close()
    else:
        with session_scope(app) as session:
            keys = list(session.scalars(select(LaunchStateRecord.key)))
    spent = [k for k in keys if k.removeprefix("ctom:state:").startswith("used:")]
    counts["states"] = len(keys) - len(spent)
    counts["spent"] = len(spent)
    return counts


def _set(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    holder: Any = body
    for part in path[:-1]:
        if not isinstance(holder.get(part), dict):
            holder[part] = {}
        holder = holder[part]
    holder[path[-1]] = value


def _unsigned(body: dict[str, Any]) -> str:
    def segment(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'RS256', 'kid': 'k'})}.{segment(body)}.c2ln"


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "iss",
                "login_hint",
                "client_id",
                "deployment_id",
                "lti_deployment_id",
                "target_link_uri",
                "lti_message_hint",
                "lti_storage_target",
            ]
        ),
        hostile_text,
        max_size=8,
    ),
    keep_registered=st.booleans(),
)
def test_any_login_is_answered_without_a_server_error(
    app: Flask, lti: LaunchActions, params: dict[str, str], keep_registered: bool
) -> None:
    if keep_registered:
        params = {"iss": lti.reg.issuer, "client_id": lti.reg.client_id, **params}
    before = _stored(app)
    response = lti.client.post("/lti/login", data=params)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert _stored(app) == before
        assert "What to do" in response.get_data(as_text=True)


def _accepted(response: TestResponse) -> bool:
    """Whether the launch was accepted: it answered with its landing page (which may itself
    refuse the person, as the deep-link picker refuses a candidate) or redirected to it."""
    return response.status_code == 302 or page_address(response) is not None


@settings(FUZZ, max_examples=60)
@given(
    mutations=st.lists(st.tuples(st.sampled_from(CLAIM_PATHS), json_value), min_size=1, max_size=8),
    signed=st.booleans(),
    role=st.sampled_from(["candidate", "mentor", "instructor", "admin"]),
    deep_link=st.booleans(),
)
def test_any_launch_is_answered_without_a_server_error(  # noqa: PLR0917 - drawn by Hypothesis
    app: Flask,
    lti: LaunchActions,
    mutations: list[tuple[tuple[str, ...], Any]],
    signed: bool,
    role: str,
    deep_link: bool,
) -> None:
    login = lti.login()
    message_type = claims.DEEP_LINKING_REQUEST if deep_link else claims.RESOURCE_LINK_REQUEST
    body = lti.claims(role, login, message_type=message_type)
    for path, value in mutations:
        _set(body, path, value)
    # Python's JSON encoder writes NaN and Infinity, which JSON does not have: as a broken
    # platform might.
    token = sign_raw(lti.platform, json.dumps(body)) if signed else _unsigned(body)
    before = _stored(app)
    response = lti.post_launch(token, login.state)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if not _accepted(response):
        after = _stored(app)
        # A token the platform signed spends its state even when refused (so it cannot be
        # replayed); anything else leaves no trace.
        if signed:
            assert after["spent"] - before["spent"] in (0, 1)
            after["spent"] = before["spent"]
        assert after == before
        assert "What to do" in response.get_data(as_text=True)
    if not signed:
        assert response.status_code == 400


#: One value of every JSON type, and the hostile values of each.
WRONG_VALUES: list[Any] = [
    None,
    True,
    -(2**70),
    float("nan"),
    "x" * 300,
    "a\x00b",
    ["x"],
    {"id": ["x"]},
]


def test_every_claim_of_every_wrong_type_is_answered_without_a_server_error(
    app: Flask, lti: LaunchActions
) -> None:
    """The sweep behind the random search: each claim path with each kind of wrong value."""
    for path in CLAIM_PATHS:
        for value in WRONG_VALUES:
            login = lti.login()
            body = lti.claims("candidate", login)
            _set(body, path, value)
            before = _stored(app)
            response = lti.post_launch(sign_raw(lti.platform, json.dumps(body)), login.state)
            assert response.status_code < 500, (path, value)
            if not _accepted(response):
                after = _stored(app)
                assert after["spent"] - before["spent"] in (0, 1)
                assert {**after, "spent": 0} == {**before, "spent": 0}, (path, value)


@FUZZ
@given(
    form=st.dictionaries(
        st.sampled_from(["id_token", "state", "lti_storage_target", "error", "lt", "x"]),
        st.one_of(hostile_text, st.sampled_from(["a.b.c", "e30.e30.e30", "..", "x" * 70000])),
        max_size=5,
    )
)
def test_any_launch_form_is_answered_without_a_server_error(
    app: Flask, lti: LaunchActions, form: dict[str, str]
) -> None:
    before = _stored(app)
    response = lti.client.post("/lti/launch", data=form)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.status_code in (400, 413)
    assert _stored(app) == before


def test_the_fuzzers_reach_both_answers(app: Flask, lti: LaunchActions) -> None:
    """The launch fuzzer's starting point is accepted, so mutations test refusals of it."""
    login = lti.login()
    response = lti.post_launch(lti.platform.sign(lti.claims("candidate", login)), login.state)
    assert re.fullmatch(r"/c/\d+/", urlsplit(landed(response)).path)
