"""Programme completion in a real browser through the sandbox Canvas, on the demo's cohort: a
candidate reads their checklist, an instructor the cohort table (filtered), and every page passes
axe-core with 0 violations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctom_lti.demo import DemoStack, start_demo
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoStack]:
    stack = start_demo(
        instance_path=str(tmp_path / "demo"), sandbox_port=0, tool_port=0, progress=False
    )
    yield stack
    stack.stop()


def test_a_candidate_reads_their_checklist_and_an_instructor_the_cohort_table(
    tmp_path: Path, demo: DemoStack
) -> None:
    store = demo.sandbox.store
    seed = demo.sandbox.demo
    assert seed is not None
    course = store.courses[demo.course_id].name
    students = sorted(
        (store.users[uid] for uid in store.students_of(demo.course_id)),
        key=lambda u: u.sortable_name,
    )
    absent, excused = students[1], students[2]

    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, demo.sandbox, course, absent.name)
        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Completion").click()
        frame.get_by_role("heading", name="Your programme completion").wait_for()
        checklist = frame.get_by_role("table").inner_text()
        assert "Session 2: Attendance: graded incomplete" in checklist
        assert "Ask the instructor how to make up the missed session." in checklist
        assert excused.name not in frame.locator("main").inner_text()
        assert_accessible(frame, "a candidate's checklist")

        frame = open_tool(page, demo.sandbox, course, seed.instructors[0].name)
        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Completion").click()
        frame.get_by_role("heading", name="Programme completion").wait_for()
        table = frame.get_by_role("table").inner_text()
        assert absent.name in table and excused.name in table
        assert "Session 3: Attendance: excused" in table
        assert "Class Oral Presentation: submitted, not graded" in table
        # The wide table scrolls in its own region; the page itself never runs past the frame.
        page_width = frame.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert page_width[0] <= page_width[1], page_width
        assert_accessible(frame, "the cohort table")

        frame.get_by_label("Rule", exact=True).select_option("attendance")
        frame.get_by_label("is", exact=True).select_option("not_met")
        frame.get_by_role("button", name="Filter").click()
        # Only the candidate absent from session 2 has attendance not met.
        frame.get_by_text("; 1 shown.").wait_for()
        filtered = frame.get_by_role("table").inner_text()
        assert absent.name in filtered
        assert excused.name not in filtered
        assert_accessible(frame, "the cohort table, filtered")

        frame.get_by_role("link", name=absent.name).click()
        frame.get_by_role("heading", name=f"Completion: {absent.name}").wait_for()
        assert_accessible(frame, "one candidate's completion")
