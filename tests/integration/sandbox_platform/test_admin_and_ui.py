"""Developer keys and deployments (§7.1), and the Canvas-like pages people click through."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from ctom_lti.sandbox.platform import DeveloperKeyError, create_developer_key
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.integration.sandbox_platform.conftest import World
from tests.integration.sandbox_platform.toolside import (
    REDIRECT_URI,
    Browser,
    ToolKey,
    forms,
    tool_config,
)
from tests.sandbox_fixtures import Api


def test_developer_key_validation_reports_every_problem(sandbox: SandboxServer) -> None:
    key = ToolKey.generate()
    config = tool_config(
        key, scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "bogus"]
    )
    del config["title"]
    config["public_jwk"] = {k: v for k, v in key.jwk().items() if k not in {"alg", "use"}}
    config["extensions"][0]["privacy_level"] = "everyone"
    with pytest.raises(DeveloperKeyError) as caught:
        create_developer_key(sandbox.store, config, [])
    assert caught.value.problems == [
        "title is required",
        "public_jwk is missing alg, use",
        "privacy_level is required and must be one of public, name_only, email_only, anonymous",
        "Invalid scopes: bogus",
        "at least one redirect URI is required",
    ]
    assert sandbox.store.table("developer_keys") == {}


@pytest.fixture
def config_server(tool_key: ToolKey) -> Iterator[tuple[str, dict[str, Any]]]:
    """A tool serving its developer-key JSON at /lti/config.json on localhost."""
    config = tool_config(tool_key)
    app = Flask("test_tool_config")

    @app.get("/lti/config.json")
    def config_json() -> dict[str, Any]:
        return config

    with ServerThread(app, host="localhost") as server:
        yield f"{server.base_url}/lti/config.json", config


def test_admin_creates_key_from_url_and_installs_it(
    sandbox: SandboxServer, api: Api, config_server: tuple[str, dict[str, Any]]
) -> None:
    url, config = config_server
    store = sandbox.store
    course = store.add_course("Cohort 9", course_code="C9", workflow_state="available")
    admin = Browser(sandbox.base_url)
    admin.sign_in(sandbox.admin_user_id)
    page = admin.get(f"/accounts/{store.root_account_id}/developer_keys")
    created = admin.post(
        f"/accounts/{store.root_account_id}/developer_keys",
        data={
            "csrf_token": admin.csrf(page.text),
            "method": "url",
            "url": url,
            "redirect_uris": f"{REDIRECT_URI}\n",
        },
    )
    assert created.status_code == 200
    assert "client_id 10000000000001" in created.text
    key = store.table("developer_keys")["10000000000001"]
    assert key.name == config["title"] and key.redirect_uris == [REDIRECT_URI]
    # a snapshot: changing the served JSON later does not change the key
    config["title"] = "Renamed"
    assert store.table("developer_keys")["10000000000001"].name == "Mentor Hub"

    page = admin.get(f"/accounts/{store.root_account_id}/external_tools")
    installed = admin.post(
        f"/accounts/{store.root_account_id}/external_tools",
        data={
            "csrf_token": admin.csrf(page.text),
            "client_id": key.client_id,
            "context": f"course:{course.id}",
        },
    )
    match = re.search(r"deployment_id (\d+:[0-9a-f]{40})", installed.text)
    assert match, installed.text[:2000]
    # the REST API sees the deployment with its placements (canvas-rest.md §4.18)
    tools = api.get(f"courses/{course.id}/external_tools").json()
    assert [t["deployment_id"] for t in tools] == [match.group(1)]
    assert tools[0]["course_navigation"]["text"] == "Mentor Hub"
    assert tools[0]["version"] == "1.3"


def test_rest_install_by_client_id_shows_in_course_navigation(world: World, api: Api) -> None:
    response = api.post(
        f"courses/{world.other_course.id}/external_tools", data={"client_id": world.key.client_id}
    )
    assert response.status_code == 200, response.text
    tool_id = response.json()["id"]
    world.store.enroll(world.student.id, world.other_course.id, "StudentEnrollment")
    browser = world.browser(world.student)
    page = browser.get(f"/courses/{world.other_course.id}")
    assert f'/courses/{world.other_course.id}/external_tools/{tool_id}"' in page.text
    launch = browser.launch(f"/courses/{world.other_course.id}/external_tools/{tool_id}")
    assert launch.claim("deployment_id").startswith(f"{tool_id}:")


def test_paste_json_errors_are_shown_and_nothing_saved(sandbox: SandboxServer) -> None:
    admin = Browser(sandbox.base_url)
    admin.sign_in(sandbox.admin_user_id)
    page = admin.get(f"/accounts/{sandbox.store.root_account_id}/developer_keys")
    response = admin.post(
        f"/accounts/{sandbox.store.root_account_id}/developer_keys",
        data={
            "csrf_token": admin.csrf(page.text),
            "method": "json",
            "json": '{"title": "x",',
            "redirect_uris": REDIRECT_URI,
        },
    )
    assert response.status_code == 422
    assert "The JSON is not valid" in response.text
    assert sandbox.store.table("developer_keys") == {}


def test_non_admins_cannot_manage_keys(world: World) -> None:
    page = world.browser(world.teacher).get(
        f"/accounts/{world.store.root_account_id}/developer_keys"
    )
    assert page.status_code == 403


def test_start_page_groups_people_and_signs_in(world: World) -> None:
    browser = Browser(world.base_url)
    page = browser.get("/")
    assert page.status_code == 200
    for heading in (
        "Administrators",
        "Instructors",
        "Candidates (students)",
        "Mentors (observers)",
    ):
        assert heading in page.text
    assert "Mentor in CTO Mentor Program - Cohort 3" in page.text
    assert browser.get(f"/courses/{world.course.id}").status_code == 401
    browser.sign_in(world.student.id)
    courses = browser.get("/courses")
    assert world.course.name in courses.text and world.other_course.name not in courses.text
    # a forged sign-in without the page's token is refused
    forged = Browser(world.base_url).post("/login", data={"user_id": str(world.teacher.id)})
    assert forged.status_code == 400


def test_course_navigation_visibility(world: World) -> None:
    world.tool.placements["course_navigation"]["visibility"] = "admins"
    nav = f'href="{world.nav_path}"'
    assert nav not in world.browser(world.student).get(f"/courses/{world.course.id}").text
    assert world.browser(world.student).get(world.nav_path).status_code == 403
    assert nav in world.browser(world.teacher).get(f"/courses/{world.course.id}").text
    world.tool.placements["course_navigation"]["visibility"] = "members"
    assert nav in world.browser(world.student).get(f"/courses/{world.course.id}").text
    outsider = world.store.add_user("Nobody Here", "nobody")
    assert world.browser(outsider).get(f"/courses/{world.course.id}").status_code == 403


def test_launch_page_hosts_the_platform_storage_frame(world: World) -> None:
    browser = world.browser(world.student)
    page = browser.get(world.nav_path)
    assert 'name="tool_content"' in page.text
    assert 'name="post_message_forwarding"' in page.text
    frame = browser.get("/post_message_forwarding")
    assert frame.status_code == 200
    assert frame.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    script = browser.get("/lti-platform-static/lti_messages.js")
    assert script.status_code == 200 and "lti.put_data" in script.text


def _grade(browser: Browser, world: World, assignment_id: int, user_id: int, grade: str) -> str:
    page = browser.get(f"/courses/{world.course.id}/gradebook")
    assert page.status_code == 200
    response = browser.post(
        f"/courses/{world.course.id}/gradebook",
        data={
            "csrf_token": browser.csrf(page.text),
            "assignment_id": str(assignment_id),
            "user_id": str(user_id),
            "grade": grade,
        },
    )
    assert response.status_code == 200
    return response.text


def test_gradebook_grades_like_the_rest_api(world: World, api: Api) -> None:
    created = api.post(
        f"courses/{world.course.id}/assignments",
        data={
            "assignment[name]": "Code of ethics acknowledgement",
            "assignment[grading_type]": "pass_fail",
            "assignment[points_possible]": "1",
            "assignment[published]": "true",
        },
    ).json()
    teacher = world.browser(world.teacher)
    page = teacher.get(f"/courses/{world.course.id}/gradebook")
    assert "Code of ethics acknowledgement" in page.text
    assert len([f for f in forms(page.text) if f.fields.get("assignment_id")]) == 2
    text = _grade(teacher, world, created["id"], world.student.id, "complete")
    assert "Saved: Alicia Moreno, Code of ethics acknowledgement: Complete" in text

    def rest_view(user_id: int) -> dict[str, Any]:
        rows = api.get(
            f"courses/{world.course.id}/students/submissions",
            params={"student_ids[]": "all", "assignment_ids[]": str(created["id"])},
        ).json()
        row: dict[str, Any] = next(r for r in rows if r["user_id"] == user_id)
        return row

    sub = rest_view(world.student.id)
    assert sub["grade"] == "complete" and sub["score"] == 1.0
    assert sub["grader_id"] == world.teacher.id and sub["workflow_state"] == "graded"
    _grade(teacher, world, created["id"], world.student.id, "incomplete")
    assert rest_view(world.student.id)["grade"] == "incomplete"
    _grade(teacher, world, created["id"], world.student2.id, "EX")
    assert rest_view(world.student2.id)["excused"] is True
    _grade(teacher, world, created["id"], world.student2.id, "")
    cleared = rest_view(world.student2.id)
    assert cleared["excused"] is False and cleared["grade"] is None

    # what the REST API writes, the gradebook shows
    api.put(
        f"courses/{world.course.id}/assignments/{created['id']}/submissions/{world.student2.id}",
        data={"submission[posted_grade]": "pass"},
    )
    grid = teacher.get(f"/courses/{world.course.id}/gradebook").text
    cell_html = grid.split(f'id="cell-{world.student2.id}-{created["id"]}"')[1].split("</td>")[0]
    assert 'value="complete" selected' in cell_html

    # students see their own grade and no gradebook; a mentor sees their mentee's
    student = world.browser(world.student)
    assert student.get(f"/courses/{world.course.id}/gradebook").status_code == 403
    assert "Incomplete" in student.get(f"/courses/{world.course.id}/grades").text
    mentor_view = world.browser(world.custom_mentor).get(f"/courses/{world.course.id}/grades").text
    assert "Brian Okafor" in mentor_view and "Alicia Moreno" not in mentor_view
    assert "Complete" in mentor_view


def test_debug_page_shows_the_last_id_token(world: World) -> None:
    browser = world.browser(world.student)
    browser.launch(world.nav_path)
    page = browser.get("/debug/id_token")
    assert page.status_code == 200
    claims_text = page.text.split('id="claims">')[1].split("</pre>")[0]
    assert json.dumps(world.student.lti_id) in claims_text.replace("&#34;", '"')


def test_a_form_token_with_non_ascii_characters_is_refused_not_a_crash(
    sandbox: SandboxServer,
) -> None:
    admin = Browser(sandbox.base_url)
    admin.sign_in(sandbox.admin_user_id)
    store = sandbox.store
    refused = admin.post(
        f"/accounts/{store.root_account_id}/developer_keys",
        data={"csrf_token": "jeton-périmé-✓", "method": "url", "url": "http://x.example"},
    )
    assert refused.status_code == 400
    assert "The form expired" in refused.text
    assert store.table("developer_keys") == {}
