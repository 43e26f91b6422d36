"""External tools: LTI 1.3 install by client_id and LTI 1.1 install (canvas-rest.md §4.18)."""

from __future__ import annotations

from typing import Any

import pytest
from canvasapi.course import Course
from canvasapi.exceptions import ResourceDoesNotExist, UnprocessableEntity

from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, create_developer_key
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import Store
from tests.sandbox_fixtures import Api

TOOL = "https://tool.example"


def developer_key(store: Store, *, enabled: bool = True) -> DeveloperKey:
    """A developer key pasted as JSON (canvas-lti.md §7.1), the platform side's way."""
    config: dict[str, Any] = {
        "title": "CTOM",
        "description": "Mentor pairing, monthly reports, reflections",
        "oidc_initiation_url": f"{TOOL}/lti/login",
        "target_link_uri": f"{TOOL}/lti/launch",
        "public_jwk_url": f"{TOOL}/.well-known/jwks.json",
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": "tool.example",
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {
                            "placement": "course_navigation",
                            "message_type": "LtiResourceLinkRequest",
                            "text": "Mentoring",
                            "default": "enabled",
                        },
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                        },
                    ]
                },
            }
        ],
    }
    return create_developer_key(store, config, [f"{TOOL}/lti/launch"], enabled=enabled)


def test_lti13_install_by_client_id(course: Course, sandbox: SandboxServer) -> None:
    key = developer_key(sandbox.store)
    tool = course.create_external_tool(client_id=key.client_id)

    assert (tool.name, tool.version, tool.privacy_level) == ("CTOM", "1.3", "public")
    assert tool.developer_key_id == key.id
    assert tool.url == "https://tool.example/lti/launch"
    assert tool.course_navigation["text"] == "Mentoring"
    assert tool.course_navigation["enabled"] is True
    assert tool.assignment_selection is None
    opaque = sandbox.store.opaque_id(f"course_{course.id}")
    assert tool.deployment_id == f"{tool.id}:{opaque}"
    assert [t.id for t in course.get_external_tools()] == [tool.id]


def test_unknown_client_id_is_404_and_disabled_key_is_422(
    course: Course, sandbox: SandboxServer
) -> None:
    with pytest.raises(ResourceDoesNotExist):
        course.create_external_tool(client_id="10000000000099")
    off = developer_key(sandbox.store, enabled=False)
    with pytest.raises(UnprocessableEntity):
        course.create_external_tool(client_id=off.client_id)
    assert list(course.get_external_tools()) == []


def test_account_install_is_visible_in_courses_with_include_parents(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    key = developer_key(sandbox.store)
    resp = api.post("accounts/self/external_tools", data={"client_id": key.client_id})
    assert resp.status_code == 200
    tool_id = resp.json()["id"]
    assert list(course.get_external_tools()) == []
    assert [t.id for t in course.get_external_tools(include_parents=True)] == [tool_id]


def test_lti11_install_needs_its_fields(course: Course, api: Api) -> None:
    tool = course.create_external_tool(
        name="Legacy",
        privacy_level="anonymous",
        consumer_key="key",
        shared_secret="secret",
        url="https://legacy.example/launch",
        course_navigation={"enabled": True, "text": "Legacy"},
    )
    assert (tool.version, tool.consumer_key, tool.course_navigation["enabled"]) == (
        "1.1",
        "key",
        True,
    )
    resp = api.post(f"courses/{course.id}/external_tools", data={"name": "Half"})
    assert resp.status_code == 400
    assert {"consumer_key", "shared_secret", "url"} <= set(resp.json()["errors"])
