"""An admin in a real browser, inside the sandbox Canvas, finds a grade Canvas refused on the
Grades page, has it fixed in Canvas, presses Retry, and sees every grade in Canvas. The page
passes axe-core with 0 violations before and after."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask

from ctom_lti.grades.worker import drain
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool
from tests.integration.grades.graded import REPORT, make_graded_cohort

pytestmark = pytest.mark.e2e


def test_admin_retries_a_refused_grade_from_the_grades_page(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    graded = make_graded_cohort(app, sandbox, tool_server.base_url)
    store = sandbox.store
    # Dana is known to the tool but not (yet) a student of the Canvas course.
    dana = store.add_user("Dana Whitfield", "dana@district.example.org", email="dana@x.org")
    graded.add_person(dana)
    post_id = graded.enqueue(REPORT, dana)
    graded.enqueue(REPORT, graded.candidates[0])
    drain(app)
    assert graded.post(post_id).state == "failed"

    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, graded.course.name, "Sandbox Admin")
        frame.get_by_role("link", name="Grades Canvas has not accepted").click()
        frame.get_by_role("heading", name="Grades on their way to Canvas").wait_for()
        main = frame.locator("main")
        assert "User not found in course or is not a student" in main.inner_text()
        assert "Dana Whitfield" in main.inner_text()
        assert_accessible(frame, "grades page with a failed post")

        store.enroll(dana.id, graded.course.id, "StudentEnrollment")
        frame.get_by_role("button", name=f"Retry {REPORT.label} for Dana Whitfield").click()
        frame.get_by_text("1 grade post sent to Canvas again").wait_for()
        deadline = time.monotonic() + 60
        while "Every grade is in Canvas." not in main.inner_text():
            assert time.monotonic() < deadline, main.inner_text()
            time.sleep(0.2)
            # Home, then its card for the grades page.
            frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Home").click()
            frame.get_by_role("link", name="Grades on their way to Canvas").click()
            frame.get_by_role("heading", name="Grades on their way to Canvas").wait_for()
        assert_accessible(frame, "grades page, all sent")

    assert graded.canvas_score(REPORT, dana) == (1.0, 1)
