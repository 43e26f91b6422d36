"""A month's mentor report in a real browser through the sandbox Canvas, with third-party cookies
blocked: the mentor writes (the draft saves itself while the cursor stays in the field), saves,
leaves, comes back and submits; the instructor returns it with a comment; the mentor revises and
resubmits; the instructor acknowledges it; the candidate reads the shared part only; the sandbox
gradebook shows the month's column complete. Every report page passes axe-core."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page

from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.records import link_canvas_course, record_cohort
from ctom_lti.cohorts.tenancy import registration_for
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.grades.worker import run_once
from ctom_lti.models import Membership, Person, Role
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from ctom_lti.tools.pairing.models import Pairing
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool, sign_in

pytestmark = pytest.mark.e2e

SIS = "CTOM-2026-C12"
COURSE = "CTO Mentor Program - Cohort 12"
MENTOR, CANDIDATE, INSTRUCTOR = "Ruth Castellanos", "Alicia Moreno", "Irene Castillo"
# The example cohort's term begins on 1 September 2026: its September report is long due.
MONTH = "September 2026"


def _reports(frame: Frame) -> None:
    frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Reports").click()
    frame.get_by_role("heading", name="Monthly mentor reports", level=1).wait_for()


def _open_september(frame: Frame) -> None:
    _reports(frame)
    frame.get_by_role("link", name=MONTH).first.click()
    frame.get_by_role("heading", name=f"{MONTH} report: {CANDIDATE}").wait_for()


def _focused_id(frame: Frame) -> str:
    return str(frame.evaluate("document.activeElement && document.activeElement.id"))


def test_a_months_report_from_draft_to_acknowledged_and_into_the_gradebook(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    store = sandbox.store
    course = store.add_course(
        COURSE, course_code="CTOM-12", sis_course_id=SIS, workflow_state="available"
    )
    users = {}
    for name, sis in ((CANDIDATE, "cand-001"), (MENTOR, "mentor-001"), (INSTRUCTOR, "teach-001")):
        first, last = name.lower().split(" ")
        email = f"{first[0]}{last}@district.example.org"
        users[name] = store.add_user(name, email, email=email, sis_user_id=sis)
    for name, kind in ((CANDIDATE, "StudentEnrollment"), (INSTRUCTOR, "TeacherEnrollment")):
        store.enroll(users[name].id, course.id, kind)
    store.enroll(
        users[MENTOR].id,
        course.id,
        "ObserverEnrollment",
        associated_user_id=users[CANDIDATE].id,
    )
    connect_tool_and_sandbox(
        app, sandbox, tool_server.base_url, course_id=course.id, canvas_token=sandbox.admin_token
    )
    example = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml")
    cohort_file = tmp_path / "cohort.toml"
    cohort_file.write_text(example.read_text("utf-8").split("[[pairings]]")[0], encoding="utf-8")
    with session_scope(app) as session:
        platform = registration_for(session, sandbox.base_url)
        config = load_cohort(cohort_file, load_curriculum())
        cohort = record_cohort(session, platform, config, canvas_url=sandbox.base_url)
        link_canvas_course(session, cohort, course.id)
        people = {}
        for name, role in ((CANDIDATE, Role.CANDIDATE), (MENTOR, Role.MENTOR)):
            user = users[name]
            person = Person(
                platform_id=platform.id,
                sub=user.lti_id,
                name=name,
                email=user.email,
                canvas_user_id=str(user.id),
            )
            session.add(person)
            session.flush()
            session.add(Membership(person_id=person.id, cohort_id=cohort.id, role=role.value))
            people[name] = person.id
        # The programme paired them when the term began.
        session.add(
            Pairing(
                cohort_id=cohort.id,
                mentor_person_id=people[MENTOR],
                candidate_person_id=people[CANDIDATE],
                status="active",
                origin="hand",
                started_on=date(2026, 9, 1),
            )
        )

    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, course.name, MENTOR)
        home = frame.locator("main").inner_text()
        assert "Monthly reports" in home
        _reports(frame)
        assert "Overdue" in frame.get_by_role("region", name="Your reports").inner_text()
        assert_accessible(frame, "a mentor's reports")
        _open_september(frame)
        assert_accessible(frame, "an empty report")

        # Typing saves the draft in the background; the cursor stays where it is.
        strengths = frame.get_by_role("textbox", name="Strengths", exact=True)
        strengths.click()
        strengths.press_sequentially("Organised and clear")
        frame.get_by_text("Draft saved at").wait_for()
        assert _focused_id(frame) == "strengths"
        strengths.press_sequentially(" writer.")
        frame.get_by_label("Meeting 1 date").fill("2026-09-20")
        frame.get_by_label("Meeting 1: how").select_option("video")
        frame.get_by_label("Meeting 1 minutes").fill("45")
        frame.get_by_role("textbox", name="Concerns and risks", exact=True).fill(
            "Private: workload at work."
        )
        frame.get_by_role("button", name="Save draft").click()
        frame.get_by_text("Draft saved.").wait_for()

        # Leave and come back: everything is there.
        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Home").click()
        frame.get_by_text(f"Welcome, {MENTOR}").wait_for()
        _open_september(frame)
        assert frame.get_by_role("textbox", name="Strengths", exact=True).input_value() == (
            "Organised and clear writer."
        )
        assert frame.get_by_label("Meeting 1 minutes").input_value() == "45"
        frame.get_by_role("textbox", name="Agreed next steps").fill(
            "Draft the technology plan's vision."
        )
        frame.get_by_label("On track").check()
        frame.get_by_role("button", name="Submit report").click()
        frame.get_by_text(f"Your {MONTH} report is submitted.").wait_for()

        # The instructor returns it with a comment.
        frame = open_tool(page, sandbox, course.name, INSTRUCTOR)
        _reports(frame)
        frame.get_by_role("region", name="Waiting for your review").get_by_role(
            "link", name=MONTH
        ).click()
        frame.get_by_text("Private: workload at work.").wait_for()
        assert_accessible(frame, "a report to review")
        frame.get_by_label("Comment for the mentor").fill("Please add your second meeting.")
        frame.get_by_role("button", name="Return for revision").click()
        frame.get_by_text("Report returned to the mentor.").wait_for()

        # The mentor revises and resubmits.
        frame = open_tool(page, sandbox, course.name, MENTOR)
        _open_september(frame)
        frame.get_by_text("Please add your second meeting.").wait_for()
        frame.get_by_label("Meeting 2 date").fill("2026-09-27")
        frame.get_by_label("Meeting 2: how").select_option("phone")
        frame.get_by_label("Meeting 2 minutes").fill("20")
        frame.get_by_role("button", name="Submit report").click()
        frame.get_by_text(f"Your {MONTH} report is submitted.").wait_for()

        # The instructor acknowledges it.
        frame = open_tool(page, sandbox, course.name, INSTRUCTOR)
        _reports(frame)
        frame.get_by_role("region", name="Waiting for your review").get_by_role(
            "link", name=MONTH
        ).click()
        frame.get_by_role("button", name="Acknowledge").click()
        frame.get_by_text("Report acknowledged.").wait_for()

        # The candidate reads what was shared, and only that.
        frame = open_tool(page, sandbox, course.name, CANDIDATE)
        _reports(frame)
        frame.get_by_role("region", name="Your mentor's reports").get_by_role(
            "link", name=MONTH
        ).click()
        frame.get_by_text("Organised and clear writer.").wait_for()
        shown = frame.locator("main").inner_text()
        assert "Draft the technology plan's vision." in shown
        assert "Private: workload at work." not in shown
        assert_accessible(frame, "a candidate's shared report")

        # The worker posts what is left in the outbox; the gradebook shows the month complete.
        run_once(app)
        _gradebook_shows_complete(page, sandbox, course.id)


def _gradebook_shows_complete(page: Page, sandbox: SandboxServer, course_id: int) -> None:
    sign_in(page, sandbox, INSTRUCTOR)
    page.goto(f"{sandbox.base_url}/courses/{course_id}/gradebook")
    column = f"Mentor report \N{EN DASH} {MONTH}"
    page.get_by_role("columnheader", name=column).wait_for()
    # A pass/fail column shows Complete; a points column the full point.
    cell = page.get_by_label(f"Grade for {CANDIDATE} on {column}").or_(
        page.get_by_label(f"Points for {CANDIDATE} on {column}")
    )
    assert cell.input_value() in {"complete", "1", "1.0"}
