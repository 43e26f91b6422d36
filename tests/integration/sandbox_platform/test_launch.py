"""Launches over real HTTP: the login Canvas posts, the auth request, the id_token (§2 to §4)."""

from __future__ import annotations

import re
import time

import jwt
import pytest

from ctom_lti.sandbox.platform import deploy
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.state import platform_keys
from tests.integration.sandbox_platform.conftest import World
from tests.integration.sandbox_platform.toolside import (
    LTI,
    REDIRECT_URI,
    Browser,
    form_by_id,
    forms,
    platform_jwks,
    verify_id_token,
)

LIS = "http://purl.imsglobal.org/vocab/lis/v2"
HEX40 = re.compile(r"\A[0-9a-f]{40}\Z")
UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def test_course_navigation_launch_carries_every_canvas_claim(world: World) -> None:
    launch = world.browser(world.student).launch(world.nav_path)
    login, claims = launch.login, launch.claims

    # The login POST Canvas sends into the tool's iframe (§2).
    assert login.method == "post" and login.target == "tool_content"
    assert login.action == "http://localhost:9999/lti/login"
    assert login.fields["iss"] == "https://canvas.instructure.com"
    assert login.fields["client_id"] == world.key.client_id == "10000000000001"
    # current Canvas names the deployment as the spec does (older Canvas: deployment_id)
    assert re.fullmatch(r"\d+:[0-9a-f]{40}", login.fields["lti_deployment_id"])
    assert "deployment_id" not in login.fields
    assert login.fields["target_link_uri"].endswith("/lti/launch?placement=course_navigation")
    assert login.fields["canvas_environment"] == "prod"
    assert login.fields["canvas_region"] == "us-east-1"
    assert login.fields["lti_storage_target"] == "post_message_forwarding"
    assert HEX40.match(login.fields["login_hint"])
    hint = jwt.get_unverified_header(login.fields["lti_message_hint"])
    assert hint["alg"] == "HS256"

    # The launch POST back to the tool (§3.3).
    assert launch.posted.action == REDIRECT_URI
    assert launch.posted.fields["lti_storage_target"] == "post_message_forwarding"
    assert "authenticity_token" in launch.posted.fields

    # The id_token (§4).
    assert claims["aud"] == world.key.client_id and claims["azp"] == world.key.client_id
    assert claims["sub"] == world.student.lti_id and UUID.match(claims["sub"])
    assert claims["exp"] - claims["iat"] == 3600
    assert claims[f"{LTI}/deployment_id"] == login.fields["lti_deployment_id"]
    assert claims[f"{LTI}/message_type"] == "LtiResourceLinkRequest"
    assert claims[f"{LTI}/version"] == "1.3.0"
    assert claims[f"{LTI}/target_link_uri"] == login.fields["target_link_uri"]
    assert claims["https://www.instructure.com/placement"] == "course_navigation"
    context = claims[f"{LTI}/context"]
    assert HEX40.match(context["id"])
    assert context["label"] == "CTOM-C3" and context["title"] == world.course.name
    assert context["type"] == ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]
    assert claims[f"{LTI}/resource_link"] == {
        "id": context["id"],
        "title": world.course.name,
        "description": None,
    }
    assert claims[f"{LTI}/roles"] == [
        f"{LIS}/institution/person#Student",
        f"{LIS}/membership#Learner",
        f"{LIS}/system/person#User",
    ]
    assert claims[f"{LTI}/lti11_legacy_user_id"] == login.fields["login_hint"]
    assert claims[f"{LTI}/lti1p1"] == {"user_id": login.fields["login_hint"]}
    platform = claims[f"{LTI}/tool_platform"]
    assert platform["product_family_code"] == "canvas" and platform["version"] == "cloud"
    presentation = claims[f"{LTI}/launch_presentation"]
    assert presentation["document_target"] == "iframe"
    assert presentation["return_url"] == (
        f"{world.base_url}/courses/{world.course.id}/external_content/success/external_tool_redirect"
    )
    # public privacy level: names, email, picture, SIS ids
    assert claims["name"] == "Alicia Moreno" and claims["given_name"] == "Alicia"
    assert claims["family_name"] == "Moreno"
    assert claims["email"] == "alicia.moreno@district.example.org"
    assert claims["picture"].startswith(world.base_url)
    assert claims[f"{LTI}/lis"] == {
        "person_sourcedid": "S-1",
        "course_offering_sourcedid": "CTOM-COHORT-3",
    }
    # services on the sandbox's own host
    services = f"{world.base_url}/api/lti/courses/{world.course.id}"
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == f"{services}/line_items"
    assert "lineitem" not in ags
    assert ags["scope"] == world.key.scopes[:4]
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps == {
        "context_memberships_url": f"{services}/names_and_roles",
        "service_versions": ["2.0"],
    }


def test_missing_sis_ids_arrive_as_canvas_variable_names(world: World) -> None:
    """Canvas never sends null in the lis claim: without an SIS id the variable's own name
    comes through (jwt_message.rb add_include_name_claims!; recorded from a live Canvas)."""
    world.student.sis_user_id = None
    world.course.sis_course_id = None
    lis = world.browser(world.student).launch(world.nav_path).claim("lis")
    assert lis == {
        "person_sourcedid": "$Person.sourcedId",
        "course_offering_sourcedid": "$CourseSection.sourcedId",
    }


def test_custom_variables_expand_as_canvas_does(world: World) -> None:
    custom = world.browser(world.student).launch(world.nav_path).claim("custom")
    assert custom == {
        "canvas_user_id": str(world.student.id),
        "canvas_course_id": str(world.course.id),
        "canvas_membership_roles": "StudentEnrollment",
        "canvas_api_base_url": world.base_url,
        "is_root_admin": False,
        "unknown": "$Canvas.not.a.variable",
        "literal": "plain text",
        "nav_only": "yes",
    }


def test_older_canvas_numbers_knob_sends_json_numbers(world: World) -> None:
    platform_settings(world.store).numbers_as_strings = False
    custom = world.browser(world.student).launch(world.nav_path).claim("custom")
    assert custom["canvas_user_id"] == world.student.id


INSTRUCTOR = f"{LIS}/membership#Instructor"
TA = f"{LIS}/membership/Instructor#TeachingAssistant"
MENTOR = f"{LIS}/membership#Mentor"
USER = f"{LIS}/system/person#User"
I_STUDENT = f"{LIS}/institution/person#Student"
I_INSTRUCTOR = f"{LIS}/institution/person#Instructor"
I_ADMIN = f"{LIS}/institution/person#Administrator"


@pytest.mark.parametrize(
    ("who", "roles", "membership_roles"),
    [
        # a teacher here who is a student elsewhere carries both institution roles
        ("teacher", [I_INSTRUCTOR, I_STUDENT, INSTRUCTOR, USER], "TeacherEnrollment"),
        ("ta", [I_INSTRUCTOR, TA, INSTRUCTOR, USER], "TaEnrollment"),
        (
            "designer",
            [I_INSTRUCTOR, f"{LIS}/membership#ContentDeveloper", USER],
            "DesignerEnrollment",
        ),
        ("observer", [MENTOR, USER], "ObserverEnrollment"),
        # a custom course role maps by its base type; its name shows in membership.roles
        ("custom_mentor", [MENTOR, USER], "Mentor"),
        # an account admin who is not enrolled gets no membership role
        ("admin", [I_ADMIN, USER], "AccountAdmin"),
    ],
)
def test_roles_follow_canvas_mapping(
    world: World, who: str, roles: list[str], membership_roles: str
) -> None:
    launch = world.browser(getattr(world, who)).launch(world.nav_path)
    assert launch.claim("roles") == sorted(roles)
    assert launch.claim("custom")["canvas_membership_roles"] == membership_roles
    expected_mentees = {
        "observer": [world.student.lti_id],
        "custom_mentor": [world.student2.lti_id],
    }.get(who)
    assert launch.claims.get(f"{LTI}/role_scope_mentor") == expected_mentees


def test_anonymous_tool_gets_no_personal_data_and_no_mentor_scope(world: World) -> None:
    world.key.privacy_level = "anonymous"
    claims = world.browser(world.observer).launch(world.nav_path).claims
    for name in ("name", "given_name", "family_name", "email", "picture", f"{LTI}/lis"):
        assert name not in claims
    assert f"{LTI}/role_scope_mentor" not in claims
    assert claims["sub"] == world.observer.lti_id


def test_name_only_tool_gets_names_but_no_email(world: World) -> None:
    world.key.privacy_level = "name_only"
    claims = world.browser(world.student).launch(world.nav_path).claims
    assert claims["name"] == "Alicia Moreno"
    assert "email" not in claims and "picture" not in claims


def test_message_hint_is_single_use(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    first = browser.authorize(login, state="state-1")
    assert "id_token" in form_by_id(first.text, "lti_form").fields
    replay = browser.authorize(login, state="state-2")
    posted = form_by_id(replay.text, "lti_form")
    assert posted.action == REDIRECT_URI
    assert posted.fields["error"] == "launch_no_longer_valid"
    assert posted.fields["state"] == "state-2"
    assert "id_token" not in posted.fields


def test_expired_or_tampered_hint_is_refused_with_an_error_page(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    payload = jwt.decode(login.fields["lti_message_hint"], options={"verify_signature": False})
    payload["exp"] = int(time.time()) - 1
    expired = jwt.encode(payload, world.store.secret, algorithm="HS256")
    for hint in (expired, login.fields["lti_message_hint"][:-3] + "abc"):
        response = browser.authorize(login, lti_message_hint=hint)
        assert response.status_code == 400
        assert "Invalid lti_message_hint" in response.text
        assert not forms(response.text)
    # the untouched hint still works afterwards: nothing was consumed
    assert "id_token" in form_by_id(browser.authorize(login).text, "lti_form").fields


@pytest.mark.parametrize(
    "redirect_uri",
    [f"{REDIRECT_URI}/", "http://localhost:9999/lti/launch2", "https://localhost:9999/lti/launch"],
)
def test_redirect_uri_must_match_exactly(world: World, redirect_uri: str) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    response = browser.authorize(login, redirect_uri=redirect_uri)
    assert response.status_code == 400
    assert "Invalid redirect_uri" in response.text
    assert not forms(response.text)


def test_redirect_uri_may_add_a_query_string(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    response = browser.authorize(login, redirect_uri=f"{REDIRECT_URI}?tenant=a")
    posted = form_by_id(response.text, "lti_form")
    assert posted.action == f"{REDIRECT_URI}?tenant=a" and "id_token" in posted.fields


def test_login_hint_of_someone_else_is_login_required(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    other = world.browser(world.student2)
    response = other.authorize(login, state="state-x")
    posted = form_by_id(response.text, "lti_form")
    assert posted.fields["error"] == "login_required"
    assert posted.fields["state"] == "state-x"
    assert "id_token" not in posted.fields
    # the real user can still complete the launch
    assert "id_token" in form_by_id(browser.authorize(login).text, "lti_form").fields


def test_no_canvas_session_shows_login_required_page(world: World) -> None:
    login = world.browser(world.student).login_form(world.nav_path)
    stranger = Browser(world.base_url)
    response = stranger.authorize(login)
    assert response.status_code == 401
    assert "Login required" in response.text


def test_missing_parameters_and_wrong_scope_are_reported_to_the_tool(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    posted = form_by_id(browser.authorize(login, nonce="", prompt=None).text, "lti_form")
    assert posted.fields["error"] == "invalid_request_object"
    assert posted.fields["error_description"] == (
        "The following parameters are missing: nonce,prompt"
    )
    posted = form_by_id(browser.authorize(login, scope="openid profile").text, "lti_form")
    assert posted.fields["error"] == "invalid_request_object"


def test_authorize_redirect_goes_to_the_hint_domain(world: World) -> None:
    browser = world.browser(world.student)
    login = browser.login_form(world.nav_path)
    other_host = world.base_url.replace("127.0.0.1", "localhost")
    response = browser.get(
        f"{other_host}/api/lti/authorize_redirect?lti_message_hint={login.fields['lti_message_hint']}"
        "&client_id=x",
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{world.base_url}/api/lti/authorize?")


def test_key_set_has_three_timestamped_keys_and_survives_rotation(world: World) -> None:
    keys = platform_jwks(world.base_url)["keys"]
    assert len(keys) == 3
    kids = [k["kid"] for k in keys]
    assert len(set(kids)) == 3
    for key in keys:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", key["kid"])
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    browser = world.browser(world.student)
    before = browser.launch(world.nav_path)
    assert jwt.get_unverified_header(before.posted.fields["id_token"])["kid"] == kids[1]
    platform_keys(world.store).rotate()
    after_keys = [k["kid"] for k in platform_jwks(world.base_url)["keys"]]
    assert after_keys[:2] == kids[1:]
    after = browser.launch(world.nav_path)
    # the new signing key was already published as "future" before the rotation
    assert jwt.get_unverified_header(after.posted.fields["id_token"])["kid"] == kids[2]
    # a token signed before the rotation still verifies with the published set
    verify_id_token(world.base_url, before.posted.fields["id_token"], world.key.client_id)


def test_disabled_key_cannot_launch(world: World) -> None:
    world.key.enabled = False
    page = world.browser(world.student).get(world.nav_path)
    assert page.status_code == 403
    assert "developer key is off" in page.text


def test_without_platform_storage_no_storage_target_is_sent(world: World) -> None:
    platform_settings(world.store).storage_target = False
    launch = world.browser(world.student).launch(world.nav_path)
    assert "lti_storage_target" not in launch.login.fields
    assert "lti_storage_target" not in launch.posted.fields


def test_openid_configuration_names_this_hosts_endpoints(world: World) -> None:
    body = Browser(world.base_url).get("/api/lti/security/openid-configuration").json()
    assert body["issuer"] == "https://canvas.instructure.com"
    assert body["authorization_endpoint"] == f"{world.base_url}/api/lti/authorize_redirect"
    assert body["token_endpoint"] == f"{world.base_url}/login/oauth2/token"
    assert body["jwks_uri"] == f"{world.base_url}/api/lti/security/jwks"


def test_account_install_has_one_deployment_id_in_every_course(world: World) -> None:
    tool = deploy(world.store, world.key, account_id=world.store.root_account_id)
    world.store.enroll(world.student.id, world.other_course.id, "StudentEnrollment")
    browser = world.browser(world.student)
    ids = {
        browser.launch(f"/courses/{course.id}/external_tools/{tool.id}").claim("deployment_id")
        for course in (world.course, world.other_course)
    }
    assert ids == {world.store.deployment_id(tool)}
    # the course-level install of the same key is a different deployment
    course_level = browser.launch(world.nav_path).claim("deployment_id")
    assert course_level not in ids and course_level.startswith(f"{world.tool.id}:")
