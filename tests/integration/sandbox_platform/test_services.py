"""LTI Advantage services over real HTTP: tokens (§5.1), NRPS (§5.2), AGS (§5.3 to §5.5)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ctom_lti.sandbox.platform import create_developer_key, deploy
from tests.integration.sandbox_platform.conftest import World
from tests.integration.sandbox_platform.toolside import (
    AGS_SCOPES,
    NRPS_SCOPE,
    REDIRECT_URI,
    ToolKey,
    access_token,
    request_token,
    tool_config,
)
from tests.sandbox_fixtures import Api

LIS = "http://purl.imsglobal.org/vocab/lis/v2"
LINEITEM, _, RESULT_READONLY, SCORE = AGS_SCOPES


def _service(world: World, token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _ts(offset_seconds: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=offset_seconds)).isoformat(
        timespec="milliseconds"
    )


# --- tokens (§5.1) ------------------------------------------------------------------------------


def test_token_endpoint_grants_requested_scopes(world: World) -> None:
    response = request_token(world.base_url, world.tool_key, world.key.client_id, [NRPS_SCOPE])
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == NRPS_SCOPE


@pytest.mark.parametrize(
    ("changes", "status", "error", "description"),
    [
        # a trailing slash is a different audience (canvas-lms#1925)
        ({"aud": "{base}/login/oauth2/token/"}, 400, "invalid_request", "the 'aud' is invalid"),
        ({"aud": ["{base}/login/oauth2/token"]}, 200, None, None),
        ({"iat": -400}, 400, "invalid_request", "the 'iat' must be less than 5 minutes old"),
        ({"iat": 120}, 400, "invalid_request", "the 'iat' must not be in the future"),
        ({"exp": -10}, 400, "invalid_request", "the 'exp' must be in the future"),
        ({"jti": None}, 400, "invalid_request", "the following assertions are missing: jti"),
        ({"scopes": ["https://example.com/scope/nope"]}, 400, "invalid_scope", "Invalid scope"),
        ({"scopes": []}, 400, "invalid_scope", "Invalid scope"),
        ({"client": "10000000009999"}, 401, "invalid_client", None),
        ({"other_key": True}, 400, "invalid_request", "JWS signature invalid."),
    ],
)
def test_token_endpoint_refuses_bad_assertions(
    world: World,
    changes: dict[str, Any],
    status: int,
    error: str | None,
    description: str | None,
) -> None:
    changes = dict(changes)
    scopes = changes.pop("scopes", [NRPS_SCOPE])
    client_id = changes.pop("client", world.key.client_id)
    key = ToolKey.generate() if changes.pop("other_key", False) else world.tool_key
    now = int(time.time())
    if "iat" in changes:
        changes["iat"] = now + changes["iat"]
    if "exp" in changes:
        changes["exp"] = now + changes["exp"]
    if "aud" in changes:
        aud = changes["aud"]
        changes["aud"] = (
            [a.format(base=world.base_url) for a in aud]
            if isinstance(aud, list)
            else aud.format(base=world.base_url)
        )
    response = request_token(world.base_url, key, client_id, scopes, **changes)
    assert response.status_code == status, response.text
    if error is not None:
        assert response.json()["error"] == error
    if description is not None:
        assert response.json()["error_description"] == description


def test_token_endpoint_refuses_scopes_the_key_lacks_and_other_grants(world: World) -> None:
    narrow = create_developer_key(
        world.store, tool_config(world.tool_key, scopes=[NRPS_SCOPE]), [REDIRECT_URI]
    )
    response = request_token(world.base_url, world.tool_key, narrow.client_id, [SCORE])
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    bad_grant = requests.post(
        f"{world.base_url}/login/oauth2/token", data={"grant_type": "password"}, timeout=10
    )
    assert bad_grant.status_code == 400
    assert bad_grant.json()["error"] == "unsupported_grant_type"


def test_public_jwk_url_is_fetched_server_side(world: World, tool_jwks_url: str) -> None:
    key = create_developer_key(
        world.store, tool_config(None, jwk_url=tool_jwks_url), [REDIRECT_URI]
    )
    ok = request_token(world.base_url, world.tool_key, key.client_id, [NRPS_SCOPE])
    assert ok.status_code == 200, ok.text
    stranger = request_token(world.base_url, ToolKey.generate(), key.client_id, [NRPS_SCOPE])
    assert stranger.status_code == 400
    assert stranger.json()["error_description"] == "JWS signature invalid."


def test_service_calls_check_token_scope_and_deployment(world: World) -> None:
    url = f"{world.base_url}/api/lti/courses/{world.course.id}/names_and_roles"
    missing = requests.get(url, timeout=10)
    assert missing.status_code == 401
    assert missing.json() == {"errors": {"type": "unauthorized", "message": "Missing access token"}}
    forged = requests.get(url, headers={"Authorization": "Bearer not.a.token"}, timeout=10)
    assert forged.status_code == 401
    assert forged.json()["errors"]["message"].startswith("Invalid access token")
    score_only = access_token(world.base_url, world.tool_key, world.key.client_id, [SCORE])
    denied = _service(world, score_only).get(url, timeout=10)
    assert denied.status_code == 401
    assert denied.json()["errors"]["message"] == "Insufficient permissions"
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [NRPS_SCOPE])
    other = _service(world, token).get(
        f"{world.base_url}/api/lti/courses/{world.other_course.id}/names_and_roles", timeout=10
    )
    assert other.status_code == 401
    assert other.json()["errors"]["message"] == (
        "Access Token not linked to a Tool associated with this Context"
    )
    world.key.enabled = False
    off = _service(world, token).get(url, timeout=10)
    assert off.status_code == 401
    assert off.json()["errors"]["message"] == "Unknown or inactive Developer Key"


# --- NRPS (§5.2) --------------------------------------------------------------------------------


def test_names_and_roles_pages_through_every_member_once(world: World) -> None:
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [NRPS_SCOPE])
    session = _service(world, token)
    url: str | None = f"{world.base_url}/api/lti/courses/{world.course.id}/names_and_roles?limit=3"
    members: list[dict[str, Any]] = []
    pages = 0
    while url:
        response = session.get(url, timeout=10)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(
            "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        )
        body = response.json()
        assert body["context"]["label"] == "CTOM-C3"
        members.extend(body["members"])
        pages += 1
        url = response.links.get("next", {}).get("url")
    assert pages == 3
    by_user = {m["user_id"]: m for m in members}
    assert len(by_user) == len(members) == 7
    # ordered by Canvas user id; roles are membership roles only
    assert [m["user_id"] for m in members] == [
        u.lti_id
        for u in sorted(
            (
                world.teacher,
                world.ta,
                world.designer,
                world.student,
                world.student2,
                world.observer,
                world.custom_mentor,
            ),
            key=lambda u: u.id,
        )
    ]
    assert by_user[world.ta.lti_id]["roles"] == [
        f"{LIS}/membership#Instructor",
        f"{LIS}/membership/Instructor#TeachingAssistant",
    ]
    student = by_user[world.student.lti_id]
    assert student["status"] == "Active" and student["name"] == "Alicia Moreno"
    assert student["email"] == "alicia.moreno@district.example.org"
    assert student["lis_person_sourcedid"] == "S-1"


def test_names_and_roles_role_filter_needs_the_full_uri(world: World) -> None:
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [NRPS_SCOPE])
    session = _service(world, token)
    base = f"{world.base_url}/api/lti/courses/{world.course.id}/names_and_roles"
    learners = session.get(
        base, params={"role": f"{LIS}/membership#Learner", "limit": "1"}, timeout=10
    )
    assert [m["user_id"] for m in learners.json()["members"]] == [world.student.lti_id]
    next_url = learners.links["next"]["url"]
    # the filter survives in the next link, its '#' encoded and its case intact
    assert parse_qs(urlsplit(next_url).query)["role"] == [f"{LIS}/membership#Learner"]
    second = session.get(next_url, timeout=10).json()["members"]
    assert [m["user_id"] for m in second] == [world.student2.lti_id]
    short = session.get(base, params={"role": "Learner"}, timeout=10)
    assert short.json()["members"] == []


# --- AGS line items (§5.3) ----------------------------------------------------------------------


def _pass_fail_assignment(api: Api, world: World, name: str = "Principle 1 reflection") -> int:
    response = api.post(
        f"courses/{world.course.id}/assignments",
        data={
            "assignment[name]": name,
            "assignment[grading_type]": "pass_fail",
            "assignment[points_possible]": "1",
            "assignment[submission_types][]": "external_tool",
            "assignment[external_tool_tag_attributes][url]": "http://localhost:9999/lti/launch",
            "assignment[published]": "true",
        },
    )
    assert response.status_code == 201, response.text
    assignment_id: int = response.json()["id"]
    return assignment_id


def _submissions(api: Api, world: World, assignment_id: int) -> dict[int, dict[str, Any]]:
    response = api.get(
        f"courses/{world.course.id}/students/submissions",
        params={"student_ids[]": "all", "assignment_ids[]": str(assignment_id)},
    )
    assert response.status_code == 200, response.text
    return {s["user_id"]: s for s in response.json()}


def test_line_items_list_only_the_calling_keys_items(world: World, api: Api) -> None:
    assignment_id = _pass_fail_assignment(api, world)
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [LINEITEM])
    session = _service(world, token)
    base = f"{world.base_url}/api/lti/courses/{world.course.id}/line_items"
    created = session.post(
        base,
        json={"label": "Monthly report received", "scoreMaximum": 1, "tag": "report"},
        headers={"Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
        timeout=10,
    )
    assert created.status_code == 201
    assert created.headers["Content-Type"].startswith("application/vnd.ims.lis.v2.lineitem+json")
    item = created.json()
    assert item["id"].startswith(f"{base}/") and item["label"] == "Monthly report received"
    assert item["scoreMaximum"] == 1.0 and item["tag"] == "report"
    listing = session.get(base, timeout=10)
    assert listing.headers["Content-Type"].startswith(
        "application/vnd.ims.lis.v2.lineitemcontainer+json"
    )
    labels = sorted(li["label"] for li in listing.json())
    # the tool's own line item and the coupled one of its external-tool assignment
    assert labels == ["Monthly report received", "Principle 1 reflection"]
    coupled = next(li for li in listing.json() if li["label"] == "Principle 1 reflection")
    deleted = session.delete(coupled["id"], timeout=10)
    assert deleted.status_code == 401
    # the new assignment shows in the REST API, published, with the line item's points
    assignments = {a["name"]: a for a in api.get(f"courses/{world.course.id}/assignments").json()}
    assert assignments["Monthly report received"]["points_possible"] == 1.0
    assert assignments["Monthly report received"]["published"] is True
    assert assignment_id == assignments["Principle 1 reflection"]["id"]
    # filter by tag
    tagged = session.get(base, params={"tag": "report"}, timeout=10).json()
    assert [li["label"] for li in tagged] == ["Monthly report received"]

    # another key installed in the same course sees none of these, and may not read them
    other_key = ToolKey.generate()
    other = create_developer_key(
        world.store, tool_config(other_key, title="Other tool"), [REDIRECT_URI]
    )
    deploy(world.store, other, course_id=world.course.id)
    other_session = _service(
        world, access_token(world.base_url, other_key, other.client_id, [LINEITEM])
    )
    assert other_session.get(base, timeout=10).json() == []
    foreign = other_session.get(item["id"], timeout=10)
    assert foreign.status_code == 412
    assert foreign.json()["errors"]["message"] == "Tool does not have permission to view line_item"

    # update renames the assignment; delete removes the AGS-made assignment
    renamed = session.put(item["id"], json={"label": "Report (monthly)"}, timeout=10)
    assert renamed.status_code == 200 and renamed.json()["label"] == "Report (monthly)"
    names = [a["name"] for a in api.get(f"courses/{world.course.id}/assignments").json()]
    assert "Report (monthly)" in names
    assert session.delete(item["id"], timeout=10).status_code == 204
    names = [a["name"] for a in api.get(f"courses/{world.course.id}/assignments").json()]
    assert "Report (monthly)" not in names


def test_line_item_validation(world: World) -> None:
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [LINEITEM])
    session = _service(world, token)
    base = f"{world.base_url}/api/lti/courses/{world.course.id}/line_items"
    assert session.post(base, json={"scoreMaximum": 1}, timeout=10).status_code == 400
    assert session.post(base, json={"label": "x"}, timeout=10).status_code == 400
    unknown_link = session.post(
        base, json={"label": "x", "scoreMaximum": 1, "resourceLinkId": "nope"}, timeout=10
    )
    assert unknown_link.status_code == 404
    bad_type = session.post(
        base,
        json={
            "label": "x",
            "scoreMaximum": 1,
            "https://canvas.instructure.com/lti/submission_type": {"type": "online_upload"},
        },
        timeout=10,
    )
    assert bad_type.status_code == 400 and "error" in bad_type.json()
    readonly = access_token(world.base_url, world.tool_key, world.key.client_id, [AGS_SCOPES[1]])
    refused = _service(world, readonly).post(base, json={"label": "x", "scoreMaximum": 1})
    assert refused.status_code == 401


# --- scores and results (§5.4, §5.5) --------------------------------------------------------------


def _coupled_line_item(session: requests.Session, world: World, name: str) -> str:
    items = session.get(
        f"{world.base_url}/api/lti/courses/{world.course.id}/line_items", timeout=10
    ).json()
    url: str = next(li["id"] for li in items if li["label"] == name)
    return url


def _score(
    session: requests.Session, line_item: str, user_id: str, **fields: Any
) -> requests.Response:
    body: dict[str, Any] = {
        "userId": user_id,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": _ts(),
    }
    body.update(fields)
    return session.post(
        f"{line_item}/scores",
        json={k: v for k, v in body.items() if v is not None},
        headers={"Content-Type": "application/vnd.ims.lis.v1.score+json"},
        timeout=10,
    )


def test_pass_fail_scores_land_in_the_rest_gradebook(world: World, api: Api) -> None:
    assignment_id = _pass_fail_assignment(api, world)
    token = access_token(
        world.base_url, world.tool_key, world.key.client_id, [LINEITEM, SCORE, RESULT_READONLY]
    )
    session = _service(world, token)
    line_item = _coupled_line_item(session, world, "Principle 1 reflection")

    passed = _score(session, line_item, world.student.lti_id, scoreGiven=1, scoreMaximum=1)
    assert passed.status_code == 200, passed.text
    assert passed.headers["Content-Type"].startswith("application/vnd.ims.lis.v1.score+json")
    assert passed.json()["resultUrl"].startswith(f"{line_item}/results/")
    sub = _submissions(api, world, assignment_id)[world.student.id]
    assert sub["grade"] == "complete" and sub["score"] == 1.0
    assert sub["workflow_state"] == "graded" and sub["submission_type"] == "external_tool"

    # any score above zero passes, whatever the maximum (same rule as LTI 1.1 outcomes)
    partial = _score(session, line_item, str(world.student2.id), scoreGiven=0.2, scoreMaximum=10)
    assert partial.status_code == 200
    assert _submissions(api, world, assignment_id)[world.student2.id]["grade"] == "complete"

    failed = _score(session, line_item, world.student.lti_id, scoreGiven=0, scoreMaximum=1)
    assert failed.status_code == 200
    sub = _submissions(api, world, assignment_id)[world.student.id]
    assert sub["grade"] == "incomplete" and sub["score"] == 0.0

    # a score with Pending and no scoreGiven clears the grade
    cleared = _score(
        session,
        line_item,
        world.student.lti_id,
        gradingProgress="Pending",
        activityProgress="Submitted",
    )
    assert cleared.status_code == 200
    sub = _submissions(api, world, assignment_id)[world.student.id]
    assert sub["grade"] is None and sub["score"] is None

    results = session.get(f"{line_item}/results", timeout=10)
    assert results.headers["Content-Type"].startswith(
        "application/vnd.ims.lis.v2.resultcontainer+json"
    )
    by_user = {r["userId"]: r for r in results.json()}
    assert by_user[world.student2.lti_id]["resultScore"] == 0.2
    assert by_user[world.student2.lti_id]["resultMaximum"] == 10
    assert "resultScore" not in by_user[world.student.lti_id]
    one = session.get(f"{line_item}/results", params={"user_id": world.student2.lti_id}, timeout=10)
    assert [r["userId"] for r in one.json()] == [world.student2.lti_id]


def test_score_rules(world: World, api: Api) -> None:
    _pass_fail_assignment(api, world)
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [LINEITEM, SCORE])
    session = _service(world, token)
    line_item = _coupled_line_item(session, world, "Principle 1 reflection")
    assert _score(session, line_item, world.student.lti_id, scoreGiven=1, scoreMaximum=1).ok
    earlier = _score(
        session, line_item, world.student.lti_id, scoreGiven=1, scoreMaximum=1, timestamp=_ts(-60)
    )
    assert earlier.status_code == 400
    assert "before last updated timestamp" in earlier.json()["errors"]["message"]
    teacher = _score(session, line_item, world.teacher.lti_id, scoreGiven=1, scoreMaximum=1)
    assert teacher.status_code == 422
    assert teacher.json()["errors"]["message"] == "User not found in course or is not a student"
    observer = _score(session, line_item, world.observer.lti_id, scoreGiven=1, scoreMaximum=1)
    assert observer.status_code == 422
    no_max = _score(session, line_item, world.student.lti_id, scoreGiven=1)
    assert no_max.status_code == 422
    bad_time = _score(session, line_item, world.student.lti_id, timestamp="yesterday")
    assert bad_time.status_code == 400
    no_scope = _service(
        world, access_token(world.base_url, world.tool_key, world.key.client_id, [LINEITEM])
    )
    assert _score(no_scope, line_item, world.student.lti_id).status_code == 401


def test_points_scores_scale_to_the_line_item(world: World, api: Api) -> None:
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [LINEITEM, SCORE])
    session = _service(world, token)
    created = session.post(
        f"{world.base_url}/api/lti/courses/{world.course.id}/line_items",
        json={"label": "Portfolio", "scoreMaximum": 20},
        timeout=10,
    ).json()
    assert _score(session, created["id"], world.student.lti_id, scoreGiven=5, scoreMaximum=10).ok
    assignments = {
        a["name"]: a["id"] for a in api.get(f"courses/{world.course.id}/assignments").json()
    }
    sub = _submissions(api, world, assignments["Portfolio"])[world.student.id]
    assert sub["score"] == 10.0 and sub["grade"] == "10"


def test_names_and_roles_for_an_assignment_link_adds_message(world: World, api: Api) -> None:
    assignment_id = _pass_fail_assignment(api, world)
    launch = world.browser(world.student).launch(
        f"/courses/{world.course.id}/assignments/{assignment_id}"
    )
    rlid = launch.claim("resource_link")["id"]
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [NRPS_SCOPE])
    base = f"{world.base_url}/api/lti/courses/{world.course.id}/names_and_roles"
    members = _service(world, token).get(base, params={"rlid": rlid}, timeout=10).json()["members"]
    student = next(m for m in members if m["user_id"] == world.student.lti_id)
    message = student["message"][0]
    assert message["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiResourceLinkRequest"
    )
    assert message["https://www.instructure.com/canvas_user_id"] == world.student.id
    # the course's own context id means "no filter" and adds nothing
    context_id = launch.claim("context")["id"]
    plain = _service(world, token).get(base, params={"rlid": context_id}, timeout=10).json()
    assert all("message" not in m for m in plain["members"])
    unknown = _service(world, token).get(base, params={"rlid": "nope"}, timeout=10)
    assert unknown.status_code == 404
