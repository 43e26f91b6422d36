"""Every tool page, and the sandbox gradebook a teacher grades in, passes axe-core with 0
violations: in Canvas's iframe as people see it, and the tool's own address opened directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page

from ctom_lti.sandbox.content import create_assignment
from ctom_lti.sandbox.grading import grade_submission
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool, sign_in

pytestmark = pytest.mark.e2e


def _tool_nav(frame: Frame, link: str, heading: str) -> None:
    frame.get_by_role("navigation", name="Tool").get_by_role("link", name=link).click()
    frame.get_by_role("heading", name=heading).wait_for()


def test_candidate_pages_have_no_violations(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, launchable: dict[str, Any]
) -> None:
    course, candidate = launchable["course"], launchable["candidate"]
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, course.name, candidate.name)
        assert_accessible(frame, "home (candidate)")
        _tool_nav(frame, "Profile", "Your programme profile")
        assert_accessible(frame, "profile")
        frame.get_by_label("Years in K-12 technology leadership").fill("many")
        frame.get_by_role("button", name="Save profile").click()
        frame.get_by_role("alert").filter(has_text="Please fix").wait_for()
        assert_accessible(frame, "profile with errors")
        frame.get_by_label("School district or county office").fill("Sierra Unified")
        frame.get_by_label("Job title").fill("Director of Technology")
        frame.get_by_label("Years in K-12 technology leadership").fill("6")
        frame.get_by_role("button", name="Save profile").click()
        frame.get_by_text("Your profile is saved.").wait_for()
        assert_accessible(frame, "home after saving")
        assert_accessible(page, "sandbox course page with the tool")


def test_instructor_pages_and_gradebook_have_no_violations(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    store = sandbox.store
    course, candidate = launchable["course"], launchable["candidate"]
    teacher = store.add_user("Dana Whitfield", "dwhitfield@district.example.org")
    store.enroll(teacher.id, course.id, "TeacherEnrollment")
    # A cell of every kind the gradebook colours: complete, incomplete, excused, points, none.
    for name, grade, excuse in (
        ("Session 1 attendance", "complete", None),
        ("Session 2 attendance", "incomplete", None),
        ("Session 3 attendance", None, True),
        ("Session 4 attendance", None, None),
    ):
        assignment = create_assignment(
            store, course.id, name, published=True, grading_type="pass_fail", points_possible=1.0
        )
        if grade or excuse:
            grade_submission(store, assignment, candidate.id, grade, teacher.id, excuse=excuse)
    scored = create_assignment(
        store,
        course.id,
        "Portfolio review",
        published=True,
        grading_type="points",
        points_possible=10.0,
    )
    grade_submission(store, scored, candidate.id, "8", teacher.id)
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        # The candidate opens the tool once, so the instructor's roster has a row.
        open_tool(page, sandbox, course.name, candidate.name)
        frame = open_tool(page, sandbox, course.name, teacher.name)
        assert_accessible(frame, "home (instructor)")
        page.goto(
            f"{sandbox.base_url}/courses/{course.id}/external_tools/{launchable['tool'].id}"
            "/deep_link?placement=link_selection"
        )
        picker = page.frame(name="tool_content")
        assert picker is not None
        picker.get_by_role("heading", name="Add CTO Mentor pages").wait_for()
        assert_accessible(picker, "deep-link picker")
        page.goto(f"{sandbox.base_url}/courses/{course.id}/gradebook")
        page.get_by_role("heading", name="Gradebook").first.wait_for()
        assert_accessible(page, "sandbox gradebook")


def test_pages_opened_outside_canvas_have_no_violations(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    with chromium(tmp_path / "chromium") as context:
        page: Page = first_page(context)
        page.goto(tool_server.base_url + "/")
        page.get_by_role("heading", name="CTO Mentor").wait_for()
        assert_accessible(page, "the tool's front page")
        # A tool page without a launch: the error page that says to open it from Canvas.
        page.goto(tool_server.base_url + "/c/1/")
        page.locator(".error-page").wait_for()
        assert_accessible(page, "error page")
        sign_in(page, sandbox, "Sandbox Admin")
        assert_accessible(page, "sandbox courses")
