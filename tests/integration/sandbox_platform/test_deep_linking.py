"""Deep linking (§4.3, §6) and the launches of what it creates (assignments, module items)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from ctom_lti.sandbox.content import create_module
from tests.integration.sandbox_platform.conftest import World
from tests.integration.sandbox_platform.toolside import (
    AGS_SCOPES,
    LTI,
    Launch,
    ToolKey,
    access_token,
)
from tests.sandbox_fixtures import Api

DL = "https://purl.imsglobal.org/spec/lti-dl/claim"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def _response_jwt(world: World, launch: Launch, items: list[dict[str, Any]], **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": world.key.client_id,
        "aud": [world.store.issuer],
        "iat": now,
        "exp": now + 600,
        "nonce": f"nonce-{uuid.uuid4().hex}",
        f"{LTI}/deployment_id": launch.claim("deployment_id"),
        f"{LTI}/message_type": "LtiDeepLinkingResponse",
        f"{LTI}/version": "1.3.0",
        f"{DL}/content_items": items,
        f"{DL}/msg": "Added from the tool",
    }
    claims.update(changes)
    key: ToolKey = changes.pop("signing_key", world.tool_key)
    claims.pop("signing_key", None)
    return key.sign(claims)


def _return(launch: Launch, token: str) -> requests.Response:
    url = launch.claims[f"{DL}/deep_linking_settings"]["deep_link_return_url"]
    return requests.post(url, data={"JWT": token}, timeout=10)


def test_link_selection_creates_module_items_that_launch_with_their_custom(
    world: World, api: Api
) -> None:
    module = create_module(world.store, world.course.id, "Strand 1: Technology")
    browser = world.browser(world.teacher)
    launch = browser.launch(
        f"/courses/{world.course.id}/external_tools/{world.tool.id}/deep_link"
        f"?placement=link_selection&module_id={module.id}"
    )
    claims = launch.claims
    assert claims[f"{LTI}/message_type"] == "LtiDeepLinkingRequest"
    assert claims["https://www.instructure.com/placement"] == "link_selection"
    assert f"{LTI}/resource_link" not in claims
    assert "lineitem" not in claims[AGS] and "lineitems" in claims[AGS]
    settings = claims[f"{DL}/deep_linking_settings"]
    assert settings["deep_link_return_url"].startswith(
        f"{world.base_url}/courses/{world.course.id}/deep_linking_response?data="
    )
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_presentation_document_targets"] == ["iframe", "window"]
    assert settings["accept_media_types"] == "application/vnd.ims.lti.v1.ltilink"
    assert settings["accept_multiple"] is True and settings["auto_create"] is False
    assert launch.login.fields["target_link_uri"] == "http://localhost:9999/lti/deeplink"

    items: list[dict[str, Any]] = [
        {
            "type": "ltiResourceLink",
            "title": "Reflection: Security Fundamentals",
            "url": "http://localhost:9999/lti/launch",
            "custom": {"principle_key": "security-fundamentals"},
        },
        {"type": "html", "html": "<p>not accepted here</p>"},
    ]
    done = _return(launch, _response_jwt(world, launch, items))
    assert done.status_code == 200, done.text
    assert "Reflection: Security Fundamentals" in done.text
    listed = api.get(
        f"courses/{world.course.id}/modules/{module.id}/items", params={"per_page": 50}
    ).json()
    assert [(i["type"], i["title"]) for i in listed] == [
        ("ExternalTool", "Reflection: Security Fundamentals")
    ]
    item_id = listed[0]["id"]
    # the same JWT cannot be used twice (its nonce is spent)
    assert _return(launch, _response_jwt(world, launch, items, nonce="n-1")).status_code == 200
    assert _return(launch, _response_jwt(world, launch, items, nonce="n-1")).status_code == 400

    # publish it and launch it as a student: a UUID resource link carrying the item's custom
    world.store.module_items[item_id].workflow_state = "active"
    module.workflow_state = "active"
    student_launch = world.browser(world.student).launch(
        f"/courses/{world.course.id}/modules/items/{item_id}"
    )
    link = student_launch.claim("resource_link")
    assert link["title"] == "Reflection: Security Fundamentals"
    uuid.UUID(link["id"])
    assert link["id"] != student_launch.claim("context")["id"]
    assert student_launch.claim("custom")["principle_key"] == "security-fundamentals"
    assert student_launch.claims["https://www.instructure.com/placement"] is None


def test_assignment_selection_creates_a_gradable_assignment(world: World, api: Api) -> None:
    browser = world.browser(world.teacher)
    launch = browser.launch(
        f"/courses/{world.course.id}/external_tools/{world.tool.id}/deep_link"
        "?placement=assignment_selection"
    )
    settings = launch.claims[f"{DL}/deep_linking_settings"]
    assert settings["accept_multiple"] is False
    item = {
        "type": "ltiResourceLink",
        "title": "Monthly mentor report",
        "lineItem": {"scoreMaximum": 1, "label": "Monthly mentor report", "tag": "report"},
    }
    assert _return(launch, _response_jwt(world, launch, [item])).status_code == 200
    assignment = next(
        a
        for a in api.get(f"courses/{world.course.id}/assignments").json()
        if a["name"] == "Monthly mentor report"
    )
    assert assignment["points_possible"] == 1.0
    assert assignment["submission_types"] == ["external_tool"]

    # the tool sees its line item, and a student launch of the assignment names it
    token = access_token(world.base_url, world.tool_key, world.key.client_id, [AGS_SCOPES[0]])
    items = requests.get(
        f"{world.base_url}/api/lti/courses/{world.course.id}/line_items",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    line_item = next(li for li in items if li["label"] == "Monthly mentor report")
    assert line_item["tag"] == "report"
    student_launch = world.browser(world.student).launch(
        f"/courses/{world.course.id}/assignments/{assignment['id']}"
    )
    assert student_launch.claims[AGS]["lineitem"] == line_item["id"]
    assert student_launch.claim("resource_link")["id"] == line_item["resourceLinkId"]
    assert student_launch.claim("resource_link")["title"] == "Monthly mentor report"


def test_deep_linking_response_is_verified(world: World) -> None:
    browser = world.browser(world.teacher)
    launch = browser.launch(
        f"/courses/{world.course.id}/external_tools/{world.tool.id}/deep_link"
        "?placement=link_selection"
    )
    item = [{"type": "ltiResourceLink", "title": "x"}]
    bad = [
        _response_jwt(world, launch, item, signing_key=ToolKey.generate()),
        _response_jwt(world, launch, item, aud=["https://example.com"]),
        _response_jwt(world, launch, item, nonce=None),
        _response_jwt(world, launch, item, iat=int(time.time()) - 600),
        _response_jwt(world, launch, item, iss="10000000009999"),
    ]
    for token in bad:
        response = _return(launch, token)
        assert response.status_code == 400
        assert response.json()["errors"]["jwt"][0]["type"] == "JWT verification failure"
    missing = _return(launch, "")
    assert missing.status_code == 400
    url = launch.claims[f"{DL}/deep_linking_settings"]["deep_link_return_url"]
    tampered = requests.post(
        url.split("?data=")[0] + "?data=abc",
        data={"JWT": _response_jwt(world, launch, item)},
        timeout=10,
    )
    assert tampered.status_code == 400
    assert world.store.module_items == {}


def test_students_cannot_open_deep_linking(world: World) -> None:
    page = world.browser(world.student).get(
        f"/courses/{world.course.id}/external_tools/{world.tool.id}/deep_link"
        "?placement=link_selection"
    )
    assert page.status_code == 403
