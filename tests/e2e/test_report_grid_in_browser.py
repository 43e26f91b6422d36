"""The staff report pages in a real browser through the sandbox Canvas: an admin opens the
cohort's grid from the Reports page, filters it, opens the overview of every cohort; reminders go
to a mentor's Canvas Inbox, the grid shows them, and the mentor reads them in the sandbox's Inbox.
Every page passes axe-core with 0 violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.db import session_scope, utcnow
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.models import Cohort, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from ctom_lti.tools.reports.grid import cohort_today
from ctom_lti.tools.reports.reminder_service import send_reminders
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool, sign_in
from tests.integration.tools.reports.dash_support import arrange

pytestmark = pytest.mark.e2e


def test_an_admin_reads_the_grid_and_a_mentor_reads_the_reminder(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12",
        course_code="CTOM-12",
        sis_course_id="CTOM-2026-C12",
        workflow_state="available",
    )
    mentor_user = store.add_user("Mentor A", "mentor.a@district.example.org")
    store.enroll(mentor_user.id, course.id, "ObserverEnrollment")
    connect_tool_and_sandbox(
        app, sandbox, tool_server.base_url, course_id=course.id, canvas_token=sandbox.admin_token
    )

    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, course.name, "Sandbox Admin")
        with session_scope(app) as session:
            cohort_id = session.query(Cohort).one().id
        made = arrange(app, cohort_id, candidates=4, mentors=2, months_back=2)
        with session_scope(app) as session:
            mentor = session.get(Person, made.mentors[0])
            assert mentor is not None
            mentor.canvas_user_id = str(mentor_user.id)
            found = session.get(Cohort, cohort_id)
            assert found is not None
            now = utcnow()
            outcome = send_reminders(
                session,
                found,
                cohort_gateway(session, found, get_fernet(app)),
                today=cohort_today(found, now),
                now=now,
                after_each=session.commit,
            )
        assert [m.mentor_name for m in outcome.sent] == ["Mentor A"]

        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Reports").click()
        frame.get_by_role("link", name="Reports by month").click()
        frame.get_by_role("heading", name="Reports by month").wait_for()
        grid = frame.get_by_role("table")
        assert "Candidate 000" in grid.inner_text()
        assert "Reminded: 7 days overdue" in grid.inner_text()
        assert_accessible(frame, "report grid")
        frame.get_by_label("State").select_option("overdue")
        frame.get_by_role("button", name="Show").click()
        frame.wait_for_url(re.compile(r"state=overdue"))
        frame.get_by_role("heading", name="Reports by month").wait_for()
        states = frame.locator(".report-state").all_inner_texts()
        assert states and set(states) == {"Overdue"}
        frame.get_by_role("link", name="All cohorts").click()
        frame.get_by_role("heading", name="Reports in every cohort").wait_for()
        assert "CTO Mentor Program" in frame.get_by_role("table").inner_text()
        assert_accessible(frame, "reports overview")

        sign_in(page, sandbox, "Mentor A")
        page.get_by_role("navigation", name="Global").get_by_role("link", name="Inbox").click()
        page.get_by_role("heading", name="Inbox").wait_for()
        page.get_by_role("link", name="Overdue: monthly mentor reports").click()
        body = page.locator(".message-body").inner_text()
        assert "Hello Mentor A," in body and "Candidate 000" in body
        assert_accessible(page, "sandbox inbox conversation")
