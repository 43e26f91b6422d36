"""The admin's pairing flow in a real browser through the sandbox Canvas: import, propose,
accept, push; then a mentor opens the tool and sees only their own mentee. Every pairing page
passes axe-core with 0 violations."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from flask import Flask

from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.records import link_canvas_course, record_cohort
from ctom_lti.cohorts.tenancy import registration_for
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from ctom_lti.tools.pairing.rows import COLUMNS
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool

pytestmark = pytest.mark.e2e

SIS = "CTOM-2026-C12"
QUALIFIED = "current_leader;hands_on;credential;time;work_study"
PEOPLE = (
    ",".join(COLUMNS)
    + f"""
mentor,rcastellanos@district.example.org,Ruth Castellanos,Fresno Unified,north,15,\
infrastructure,,1,{QUALIFIED},
mentor,sortiz@district.example.org,Samuel Ortiz,Santa Ana Unified,south,12,\
fiscal-management,,1,{QUALIFIED},
candidate,amoreno@district.example.org,Alicia Moreno,Clovis Unified,north,4,,infrastructure,,,
candidate,bokafor@district.example.org,Brian Okafor,Long Beach Unified,south,5,,fiscal-management,,,
"""
)


def test_admin_pairs_and_pushes_then_a_mentor_sees_only_their_mentee(
    tmp_path: Path, sandbox: SandboxServer, tool_server: ServerThread, app: Flask
) -> None:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12",
        course_code="CTOM-12",
        sis_course_id=SIS,
        workflow_state="available",
    )

    def user(name: str, sis: str, enrollment: str) -> None:
        first, last = name.lower().split(" ")
        email = f"{first[0]}{last}@district.example.org"
        person = store.add_user(name, email, email=email, sis_user_id=sis)
        store.enroll(person.id, course.id, enrollment)

    user("Alicia Moreno", "cand-001", "StudentEnrollment")
    user("Brian Okafor", "cand-002", "StudentEnrollment")
    # Mentors are in the course as observers before they are paired with anyone.
    user("Ruth Castellanos", "mentor-001", "ObserverEnrollment")
    user("Samuel Ortiz", "mentor-002", "ObserverEnrollment")
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
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(PEOPLE, encoding="utf-8")

    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        # The admin opens the tool and reads the course roster, so people who have not opened
        # the tool yet are known to it by their Canvas identity.
        frame = open_tool(page, sandbox, course.name, "Sandbox Admin")
        frame.get_by_role("button", name="Refresh the roster from Canvas").click()
        frame.get_by_role("status").first.wait_for()
        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Pairing").click()
        frame.get_by_role("heading", name="Mentor pairing").wait_for()
        assert_accessible(frame, "pairing board, empty")
        frame.get_by_role("link", name="Import people").click()
        frame.get_by_label("CSV file").set_input_files(str(csv_file))
        frame.get_by_role("button", name="Import").click()
        frame.get_by_text("4 rows read, 4 people added or changed, 0 rows left out.").wait_for()
        assert_accessible(frame, "import result")
        frame.get_by_role("link", name="Pairing board").click()
        frame.get_by_role("button", name="Propose mentors for unpaired candidates").click()
        frame.get_by_text("2 proposals waiting for a decision").wait_for()
        assert_accessible(frame, "proposals")
        frame.get_by_role("button", name="Accept all proposals").click()
        frame.get_by_text("2 pairings are now active.").wait_for()
        # Canvas answers slowly: the board shows the push under way, then its outcome.
        sandbox.knobs.set(latency_ms=400.0)
        frame.get_by_role("button", name="Push pairings to Canvas").click()
        frame.get_by_text("Pushing to Canvas…").wait_for()
        # How far it has got: reading Canvas first, then the changes counted as they are made.
        frame.get_by_role("status").get_by_text(
            re.compile("Reading the course's people|observer-link changes")
        ).wait_for()
        assert frame.get_by_role("progressbar").count() == 1
        frame.get_by_text("Pushed to Canvas.").wait_for(timeout=60_000)
        sandbox.knobs.set(latency_ms=0.0)
        assert "observer links checked" in frame.locator("main").inner_text()
        assert frame.get_by_role("progressbar").count() == 0
        assert_accessible(frame, "board after the push")
        frame.get_by_role("link", name="Mentors and eligibility").click()
        frame.get_by_role("heading", name="Mentors and eligibility").wait_for()
        assert_accessible(frame, "mentors")
        frame.get_by_role("button", name="Mark evidence verified: Ruth Castellanos").click()
        frame.get_by_text("Evidence of 5 qualifications marked verified.").wait_for()
        assert "Evidence verified by" in frame.locator("main").inner_text()
        frame.get_by_role("link", name="History").click()
        frame.get_by_role("heading", name="Pairing history").wait_for()
        assert_accessible(frame, "history")

        observers = {
            (store.users[e.user_id].name, store.users[e.associated_user_id].name)
            for e in store.enrollments_in(course.id)
            if e.type == "ObserverEnrollment" and e.associated_user_id
        }
        assert observers == {
            ("Ruth Castellanos", "Alicia Moreno"),
            ("Samuel Ortiz", "Brian Okafor"),
        }

        frame = open_tool(page, sandbox, course.name, "Ruth Castellanos")
        frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Pairing").click()
        frame.get_by_role("heading", name="Your mentees").wait_for()
        mentees = frame.get_by_role("region", name="Your mentees").inner_text()
        assert "Alicia Moreno" in mentees
        assert "Brian Okafor" not in frame.locator("main").inner_text()
        assert_accessible(frame, "a mentor's mentees")

        # The mentor fills in their own pairing profile and sees what eligibility makes of it.
        frame.get_by_role("link", name="Your pairing profile").click()
        frame.get_by_role("heading", name="Your pairing profile").wait_for()
        assert frame.get_by_label(
            "School district, county office or organisation"
        ).input_value() == ("Fresno Unified")
        frame.get_by_label("Position").fill("Chief Technology Officer")
        frame.get_by_label("How many candidates you can mentor").fill("2")
        frame.get_by_label("Availability").fill("Tuesday afternoons, by video")
        frame.get_by_label("Evidence: Able to supervise work-study").fill("Supervised 3 interns")
        frame.get_by_role("button", name="Save pairing profile").click()
        frame.get_by_text("The pairing profile is saved.").wait_for()
        assert frame.get_by_role("heading", name="Eligible to mentor").is_visible()
        assert frame.get_by_label("Availability").input_value() == "Tuesday afternoons, by video"
        assert_accessible(frame, "a mentor's pairing profile")
