"""A candidate adds one of their Canvas submissions as evidence in a real browser: the tool,
framed by the sandbox Canvas, lists the work they handed in (read from the sandbox's REST API
with the registration's token), they pick it, tag it, and it is listed with a link to the
submission's page in Canvas; then they retitle it and cite it in a reflection. The pages pass
axe-core."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.sandbox import content, grading
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool

pytestmark = pytest.mark.e2e


def test_a_canvas_submission_is_picked_as_evidence(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )
    alicia = store.add_user(
        "Alicia Moreno", "amoreno@district.example.org", email="amoreno@district.example.org"
    )
    store.enroll(alicia.id, course.id, "StudentEnrollment")
    plan = content.create_assignment(
        store, course.id, "Vision and Technology Planning: Assignment", published=True,
        submission_types=["online_upload"],
    )  # fmt: skip
    content.create_assignment(store, course.id, "Untouched reading", published=True)
    handed_in = grading.hand_in(
        store, plan, alicia.id, submission_type="online_upload",
        at=datetime(2026, 11, 13, 16, 0, tzinfo=UTC),
    )  # fmt: skip
    # The registration carries the Canvas address and an API token, as an admin stores them.
    connect_tool_and_sandbox(
        app, sandbox, tool_server.base_url, course_id=course.id, canvas_token=sandbox.admin_token
    )
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, course.name, alicia.name)
        frame.get_by_role("link", name="Portfolio").first.click()
        frame.get_by_role("link", name="Your evidence").click()
        frame.get_by_role("heading", name="Your evidence").wait_for()
        picker = frame.locator("#submission-picker")
        assert "Untouched reading" not in picker.inner_text()
        assert_accessible(frame, "evidence page with the submission picker")

        frame.get_by_label("One of your Canvas submissions").check()
        frame.get_by_label("Vision and Technology Planning: Assignment").check()
        assert "handed in 13 November 2026" in picker.inner_text()
        frame.get_by_label("Vision and Technology Planning", exact=True).check()
        frame.get_by_label("Session (optional)").select_option("4")
        frame.get_by_role("button", name="Add evidence").click()
        frame.get_by_text(
            "Added “Vision and Technology Planning: Assignment” to your evidence."
        ).wait_for()
        link = frame.locator("table").get_by_role(
            "link", name="Vision and Technology Planning: Assignment", exact=True
        )
        expected = (
            f"{sandbox.base_url}/courses/{course.id}/assignments/{plan.id}/submissions/{alicia.id}"
        )
        assert link.get_attribute("href") == expected

        # Retitled, then cited by the reflection on its principle.
        frame.get_by_role("link", name="Edit “Vision and Technology Planning: Assignment”").click()
        frame.get_by_role("heading", name="Edit evidence").wait_for()
        assert_accessible(frame, "artifact edit page")
        frame.get_by_label("Title").fill("My technology plan")
        frame.get_by_role("button", name="Save changes").click()
        frame.get_by_text("Saved “My technology plan”.").wait_for()
        frame.locator("table").get_by_role(
            "link", name="Vision and Technology Planning", exact=True
        ).click()
        frame.get_by_role("heading", name="Reflection: Vision and Technology Planning").wait_for()
        frame.get_by_label("Your reflection").fill("The plan I handed in sets out three phases.")
        frame.get_by_label("My technology plan").check()
        frame.get_by_role("button", name="Save draft").click()
        frame.get_by_text("Draft saved.").wait_for()
        # The link opens the submission's page in Canvas.
        page.goto(expected)
        assert page.locator("#handed-in").inner_text().startswith("2026-11-13 16:00")

    with session_scope(app) as s:
        artifact = s.scalars(select(Artifact)).one()
        assert (artifact.kind, artifact.title, artifact.session_number) == (
            "canvas_submission", "My technology plan", 4,
        )  # fmt: skip
        assert artifact.canvas_submission_id == str(handed_in.id)
        assert artifact.principle_keys == ["vision-and-technology-planning"]
        reflection = s.scalars(select(Reflection)).one()
        assert reflection.cited_artifact_ids == [artifact.id]
