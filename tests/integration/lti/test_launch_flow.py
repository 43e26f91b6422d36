"""Launches that should work: every role, repeats, several Canvas instances, key rotation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.lti import claims
from ctom_lti.lti.models import MentorScope
from ctom_lti.models import Cohort, Membership, Person, Role
from tests.factories import make_cohort_of_people, make_membership, make_person
from tests.lti_fixtures import LaunchActions, register, stored_counts
from tests.lti_support import COHORT_CONTEXT_ID, TestPlatform, landed


def rows(app: Flask) -> dict[str, Any]:
    with session_scope(app) as s:
        return {
            "people": [
                (p.sub, p.name, p.email, p.canvas_user_id) for p in s.scalars(select(Person))
            ],
            "cohorts": [
                (c.context_id, c.title, c.canvas_course_id) for c in s.scalars(select(Cohort))
            ],
            "memberships": sorted(
                (m.person.sub, m.role, m.status, m.canvas_roles)
                for m in s.scalars(select(Membership))
            ),
        }


@pytest.mark.parametrize(
    ("kind", "role", "shown"),
    [
        ("candidate", "candidate", "Your mentor"),
        ("mentor", "mentor", "Your mentees"),
        ("custom_mentor", "mentor", "Your mentees"),
        ("instructor", "instructor", "People who have opened CTO Mentor"),
        ("ta", "instructor", "People who have opened CTO Mentor"),
        ("admin", "admin", "People who have opened CTO Mentor"),
    ],
)
def test_each_role_lands_on_its_home_page(  # noqa: PLR0917 - pytest passes parameters so
    app: Flask, client: FlaskClient, lti: LaunchActions, kind: str, role: str, shown: str
) -> None:
    response = lti.launch(kind, sub=f"sub-{kind}")
    # The launch answers with the home page itself, naming its address for a reload.
    address = landed(response)
    assert re.fullmatch(r"/c/\d+/", urlsplit(address).path)
    home = client.get(address)
    page = home.get_data(as_text=True)
    assert home.status_code == 200
    assert shown in response.get_data(as_text=True)
    assert "CTO Mentor Program — Cohort 12" in page
    assert f"You are here as <strong>{role}</strong>" in page
    assert shown in page
    stored = rows(app)
    assert [p[0] for p in stored["people"]] == [f"sub-{kind}"]
    assert stored["cohorts"] == [
        ("4dde05e8ca1973bcca9bffc13e1548820eee93a3", "CTO Mentor Program — Cohort 12", "1234")
    ]
    assert [(m[0], m[1], m[2]) for m in stored["memberships"]] == [(f"sub-{kind}", role, "active")]


def test_repeat_launches_are_idempotent_and_pick_up_changes(app: Flask, lti: LaunchActions) -> None:
    for _ in range(3):
        assert lti.launch("candidate", sub="sub-1").status_code == 200
    assert stored_counts(app) | {"sessions": 0} == {
        "people": 1,
        "cohorts": 1,
        "memberships": 1,
        "sessions": 0,
    }
    login = lti.login()
    body = lti.claims("candidate", login, sub="sub-1")
    body["name"] = "Ada Renamed"
    body[claims.ROLES].append("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor")
    assert lti.post_launch(lti.platform.sign(body), login.state).status_code == 200
    stored = rows(app)
    assert stored["people"][0][1] == "Ada Renamed"
    assert [m[1] for m in stored["memberships"]] == ["candidate", "instructor"]


def test_lower_privacy_launch_keeps_known_name(app: Flask, lti: LaunchActions) -> None:
    with session_scope(app) as s:
        make_person(s, lti.reg.platform_id, sub="sub-1", name="Candidate sub-")
    login = lti.login()
    body = lti.claims("candidate", login, sub="sub-1")
    for key in ("name", "given_name", "family_name", "email"):
        del body[key]
    assert lti.post_launch(lti.platform.sign(body), login.state).status_code == 200
    assert rows(app)["people"][0][1] == "Candidate sub-"


def test_staff_home_lists_the_cohort_with_counts_by_role(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    with session_scope(app) as s:
        made = make_cohort_of_people(
            s, lti.reg.platform_id, context_id=COHORT_CONTEXT_ID, candidates=3, mentors=2
        )
        make_membership(s, made.cohort, Role.CANDIDATE, status="inactive")
        names = [p.name for people in made.people.values() for p in people]
    page = client.get(landed(lti.launch("instructor", sub="instr-1"))).get_data(as_text=True)
    for count in ("3 candidates", "2 mentors", "2 instructors"):
        assert count in page
    for name in names:
        assert f"<td>{name}</td>" in page
    # Someone who left the course is not listed.
    assert page.count("<td>candidate</td>") == 3


def test_mentor_and_candidate_see_each_other(
    app: Flask, test_platform: TestPlatform, lti: LaunchActions
) -> None:
    candidate = LaunchActions(app.test_client(), test_platform, lti.reg)
    home_url = landed(candidate.launch("candidate", sub="cand-1"))
    unpaired = candidate.client.get(home_url).get_data(as_text=True)
    assert "The programme has not paired you yet" in unpaired
    assert "Your mentor appears here" not in unpaired

    mentor = lti.launch("mentor", sub="ment-1", mentees=("cand-1", "cand-unlaunched"))
    page = lti.client.get(landed(mentor)).get_data(as_text=True)
    assert "Candidate cand" in page
    assert "has not opened CTO Mentor yet" in page
    with session_scope(app) as s:
        assert sorted(m.mentee_sub for m in s.scalars(select(MentorScope))) == [
            "cand-1",
            "cand-unlaunched",
        ]
    assert "Mentor ment" in candidate.client.get(home_url).get_data(as_text=True)

    # Canvas drops an observer link: the next launch says so.
    lti.launch("mentor", sub="ment-1", mentees=("cand-1",))
    with session_scope(app) as s:
        assert [m.mentee_sub for m in s.scalars(select(MentorScope))] == ["cand-1"]


def test_two_canvas_instances_with_the_same_issuer(
    app: Flask, test_platform: TestPlatform, lti: LaunchActions
) -> None:
    second = register(app, test_platform, client_id="42980000000000326", deployment_ids=("9:zz",))
    other = LaunchActions(app.test_client(), test_platform, second)
    assert lti.launch("candidate", sub="same-sub").status_code == 200
    assert other.launch("candidate", sub="same-sub").status_code == 200
    with session_scope(app) as s:
        people = s.scalars(select(Person).order_by(Person.platform_id)).all()
        # Same issuer and sub, different client ids: two registrations, two people, two cohorts.
        assert [p.platform_id for p in people] == [lti.reg.platform_id, second.platform_id]
        assert len(s.scalars(select(Cohort)).all()) == 2


def test_login_by_get_and_with_lti_deployment_id(lti: LaunchActions, client: FlaskClient) -> None:
    response = client.get(
        "/lti/login",
        query_string={
            "iss": lti.reg.issuer,
            "login_hint": "h",
            "client_id": lti.reg.client_id,
            "lti_deployment_id": lti.reg.deployment_id,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(lti.platform.auth_login_url + "?")


def test_login_without_client_id_uses_the_only_registration(lti: LaunchActions) -> None:
    login = lti.login(client_id=None)
    assert login.params["client_id"] == lti.reg.client_id


def test_auth_request_and_state_cookie(lti: LaunchActions, client: FlaskClient) -> None:
    response = client.post(
        "/lti/login",
        data={
            "iss": lti.reg.issuer,
            "login_hint": "hint-1",
            "client_id": lti.reg.client_id,
            "deployment_id": lti.reg.deployment_id,
            "lti_message_hint": "msg-hint",
        },
    )
    assert response.status_code == 302
    from tests.lti_support import parse_login_response

    login = parse_login_response(302, response.headers["Location"], "")
    assert login.params | {"state": "", "nonce": ""} == {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": lti.reg.client_id,
        "redirect_uri": "http://localhost/lti/launch",
        "login_hint": "hint-1",
        "lti_message_hint": "msg-hint",
        "state": "",
        "nonce": "",
    }
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"ctom_st_{login.state}={login.state};")
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/lti/launch"):
        assert attribute in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_platform_key_rotation_is_picked_up_with_one_refetch(
    app: Flask, lti: LaunchActions, test_platform: TestPlatform
) -> None:
    test_platform.jwks_requests = 0
    for _ in range(3):
        assert lti.launch("candidate").status_code == 200
    assert test_platform.jwks_requests == 1  # cached after the first launch
    test_platform.rotate()
    assert lti.launch("candidate").status_code == 200
    assert test_platform.jwks_requests == 2  # one refetch for the new kid
    assert lti.launch("candidate").status_code == 200
    assert test_platform.jwks_requests == 2


def test_new_worker_reuses_the_shared_key_set(
    app: Flask, app_config: dict[str, Any], lti: LaunchActions, test_platform: TestPlatform
) -> None:
    assert lti.launch("candidate").status_code == 200
    test_platform.jwks_requests = 0
    from ctom_lti import create_app

    second_worker = create_app(app_config)
    other = LaunchActions(second_worker.test_client(), test_platform, lti.reg)
    assert other.launch("candidate").status_code == 200
    assert test_platform.jwks_requests == 0


def test_login_and_launch_on_different_workers(
    app_config: dict[str, Any], lti: LaunchActions, test_platform: TestPlatform
) -> None:
    """State lives in the shared store: a launch can land on another worker than its login."""
    from ctom_lti import create_app

    login = lti.login()
    other_worker = create_app(app_config).test_client()
    # The browser's cookies travel with it to whichever worker answers.
    other_worker.set_cookie(f"ctom_st_{login.state}", login.state, path="/lti/launch")
    token = test_platform.sign(lti.claims("candidate", login))
    response = other_worker.post("/lti/launch", data={"id_token": token, "state": login.state})
    assert response.status_code == 200


def test_a_repeat_launch_with_nothing_new_does_not_touch_the_tool_tables(
    app: Flask, lti: LaunchActions
) -> None:
    from sqlalchemy import event

    from ctom_lti.db import get_engine

    lti.launch("mentor", sub="m-1", mentees=("c-1",))
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        assert lti.launch("mentor", sub="m-1", mentees=("c-1",)).status_code == 200
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    # Only the shared key/value tables (used when there is no Redis) may be written; the tool's
    # own tables are only read, by the home page the launch answers with (its facts and the
    # mentor's mentees).
    tool_tables = ("person", "cohort", "membership", "lti_mentor_scope", "platform")
    touching = [
        statement
        for statement in statements
        if any(f" {word}" in statement or f'"{word}"' in statement for word in tool_tables)
    ]
    assert [s for s in touching if not s.lstrip().startswith("SELECT")] == [], statements
    assert len(touching) == 2, touching


def test_a_first_launch_in_a_known_course_writes_one_statement_per_table(
    app: Flask, lti: LaunchActions
) -> None:
    from sqlalchemy import event

    from ctom_lti.db import get_engine

    lti.launch("instructor", sub="i-1")
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        # A new mentor, whom Canvas names two mentees for.
        response = lti.launch("mentor", sub="m-2", mentees=("c-1", "c-2"))
        assert response.status_code == 200
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    tool_tables = [
        statement.split(" (")[0].split(" WHERE")[0]
        for statement in statements
        if not any(f" {kv}" in statement for kv in ("lti_launch_state", "lti_session", "lti_cache"))
        # The home page the launch answers with reads; the launch writes.
        and not statement.startswith("SELECT")
    ]
    # The course is known: the person, their memberships and their mentees, nothing else.
    assert tool_tables == [
        "INSERT INTO person",
        "INSERT INTO membership",
        "DELETE FROM lti_mentor_scope",
        "INSERT INTO lti_mentor_scope",
    ], statements
    assert rows(app)["memberships"] == [
        ("i-1", "instructor", "active", "TeacherEnrollment"),
        ("m-2", "mentor", "active", "ObserverEnrollment"),
    ]
    with session_scope(app) as s:
        assert sorted(s.scalars(select(MentorScope.mentee_sub))) == ["c-1", "c-2"]
