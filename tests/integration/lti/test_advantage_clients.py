"""The roster and gradebook-column clients against the sandbox Canvas over real HTTP.

The tool is installed in a course as an admin would (developer key from ``/lti/config.json``,
``platform add``), then reads the roster and writes its own pass/fail column with its
client-credentials token, as a CLI job does: no launch, only the registration and the service
URLs Canvas publishes for the course.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.lti import claims
from ctom_lti.lti.advantage import (
    Gradebook,
    PlatformServiceError,
    Roster,
    ServiceUnavailable,
)
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.services import gradebook_client, launch_gradebook, launch_roster, roster_client
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.platform.state import line_items
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from ctom_lti.serving import ServerThread
from tests.sandbox_fixtures import Api

CANDIDATES = 55  # more than one NRPS page (Canvas: 50 at most)


@dataclass
class InstalledCourse:
    app: Flask
    sandbox: SandboxServer
    course: Course
    platform_id: int
    candidates: list[User]
    teacher: User
    mentor: User

    @property
    def services_url(self) -> str:
        return f"{self.sandbox.base_url}/api/lti/courses/{self.course.id}"

    def roster(self) -> Roster:
        return roster_client(
            self.app,
            platform_id=self.platform_id,
            memberships_url=self.services_url + "/names_and_roles",
        )

    def gradebook(self) -> Gradebook:
        return gradebook_client(
            self.app, platform_id=self.platform_id, lineitems_url=self.services_url + "/line_items"
        )

    def service_calls(self, method: str = "GET") -> int:
        return self.sandbox.log.count(method=method, path_prefix="/api/lti/courses/")

    def token_requests(self) -> int:
        return self.sandbox.log.count(method="POST", path_prefix="/login/oauth2/token")


@pytest.fixture
def installed(app: Flask, sandbox: SandboxServer, tool_server: ServerThread) -> InstalledCourse:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )

    def person(name: str, sis: str) -> User:
        login = name.lower().replace(" ", ".") + "@district.example.org"
        return store.add_user(name, login, email=login, sis_user_id=sis)

    candidates = [person(f"Candidate {n:02d}", f"C-{n:02d}") for n in range(CANDIDATES)]
    for candidate in candidates:
        store.enroll(candidate.id, course.id, "StudentEnrollment")
    teacher = person("Marcus Ellery", "T-1")
    store.enroll(teacher.id, course.id, "TeacherEnrollment")
    mentor = person("Ruth Castellanos", "M-1")
    store.enroll(mentor.id, course.id, "ObserverEnrollment", associated_user_id=candidates[0].id)
    install = connect_tool_and_sandbox(app, sandbox, tool_server.base_url, course_id=course.id)
    registration = get_runtime(app).registry.find(store.issuer, install.client_id)
    assert registration is not None
    sandbox.log.clear()
    return InstalledCourse(
        app, sandbox, course, registration.platform_id, candidates, teacher, mentor
    )


def _set_pass_fail(api: Api, course_id: int, label: str) -> int:
    """Make the column's Canvas assignment complete/incomplete, as an instructor would."""
    listed = api.get(f"courses/{course_id}/assignments", params={"per_page": 100}).json()
    [assignment] = [a for a in listed if a["name"] == label]
    updated = api.put(
        f"courses/{course_id}/assignments/{assignment['id']}",
        json={"assignment": {"grading_type": "pass_fail"}},
    )
    assert updated.status_code == 200, updated.text
    return int(assignment["id"])


def _gradebook_grade(api: Api, course_id: int, assignment_id: int, user: User) -> str | None:
    response = api.get(f"courses/{course_id}/assignments/{assignment_id}/submissions/{user.id}")
    assert response.status_code == 200, response.text
    grade: str | None = response.json()["grade"]
    return grade


def test_roster_reads_every_member_across_pages(installed: InstalledCourse) -> None:
    members = installed.roster().members()

    by_sub = {m.sub: m for m in members}
    everyone = [*installed.candidates, installed.teacher, installed.mentor]
    assert set(by_sub) == {u.lti_id for u in everyone}
    assert installed.service_calls() == 2  # 57 members: two pages of at most 50
    first = by_sub[installed.candidates[0].lti_id]
    assert first.roles == {Role.CANDIDATE} and first.active
    assert (first.name, first.email, first.sis_user_id) == (
        "Candidate 00",
        "candidate.00@district.example.org",
        "C-00",
    )
    assert by_sub[installed.teacher.lti_id].roles == {Role.INSTRUCTOR}
    assert by_sub[installed.mentor.lti_id].roles == {Role.MENTOR}
    # The frozen value is the tool's own: nothing of the library or the raw JSON leaks out.
    with pytest.raises(AttributeError):
        first.name = "someone else"  # type: ignore[misc]

    installed.roster().members()
    assert installed.token_requests() == 1  # the service token is cached for the registration


def test_column_is_found_by_tag_and_resource_id_or_created_once(
    installed: InstalledCourse, api: Api
) -> None:
    gradebook = installed.gradebook()
    january = gradebook.find_or_create_column(
        tag="monthly-report", resource_id="2026-01", label="Monthly report: January"
    )
    again = gradebook.find_or_create_column(
        tag="monthly-report", resource_id="2026-01", label="Monthly report: January"
    )
    february = gradebook.find_or_create_column(
        tag="monthly-report", resource_id="2026-02", label="Monthly report: February"
    )

    assert again == january
    assert february.id != january.id
    assert (january.tag, january.resource_id, january.score_maximum) == (
        "monthly-report",
        "2026-01",
        1.0,
    )
    assert installed.service_calls("POST") == 2  # created twice, found once
    names = [a["name"] for a in api.get(f"courses/{installed.course.id}/assignments").json()]
    assert sorted(names) == ["Monthly report: February", "Monthly report: January"]


def test_pass_fail_scores_show_as_complete_and_incomplete(
    installed: InstalledCourse, api: Api
) -> None:
    gradebook = installed.gradebook()
    column = gradebook.find_or_create_column(
        tag="portfolio", resource_id="portfolio", label="Portfolio"
    )
    assignment_id = _set_pass_fail(api, installed.course.id, "Portfolio")
    passed, failed, untouched = installed.candidates[:3]

    assert gradebook.post_pass_fail(column, passed.lti_id, passed=True).recorded
    assert gradebook.post_pass_fail(column, failed.lti_id, passed=False).recorded

    course_id = installed.course.id
    assert _gradebook_grade(api, course_id, assignment_id, passed) == "complete"
    assert _gradebook_grade(api, course_id, assignment_id, failed) == "incomplete"
    assert _gradebook_grade(api, course_id, assignment_id, untouched) is None
    results = {r.sub: r.complete for r in gradebook.results(column)}
    assert results == {passed.lti_id: True, failed.lti_id: False}
    mine = gradebook.result_for(column, failed.lti_id)
    assert mine is not None and mine.complete is False and mine.score == 0.0
    assert gradebook.result_for(column, untouched.lti_id) is None

    # Straight after the first score, in the same second: still newer, still recorded.
    assert gradebook.post_pass_fail(column, failed.lti_id, passed=True).recorded
    assert _gradebook_grade(api, course_id, assignment_id, failed) == "complete"


def test_a_score_older_than_the_gradebook_is_not_recorded_over_it(
    installed: InstalledCourse, api: Api
) -> None:
    gradebook = installed.gradebook()
    column = gradebook.find_or_create_column(
        tag="completion", resource_id="programme", label="Programme completion"
    )
    assignment_id = _set_pass_fail(api, installed.course.id, "Programme completion")
    candidate = installed.candidates[0]
    assert gradebook.post_pass_fail(column, candidate.lti_id, passed=True).recorded

    stale = gradebook.post_pass_fail(
        column, candidate.lti_id, passed=False, at=datetime.now(UTC) - timedelta(hours=1)
    )

    assert not stale.recorded
    assert stale.detail is not None and "before last updated timestamp" in stale.detail
    grade = _gradebook_grade(api, installed.course.id, assignment_id, candidate)
    assert grade == "complete"
    with pytest.raises(ValueError, match="time zone"):
        gradebook.post_pass_fail(column, candidate.lti_id, passed=True, at=datetime.now())


def test_canvas_refusals_become_the_tools_errors(installed: InstalledCourse) -> None:
    gradebook = installed.gradebook()
    column = gradebook.find_or_create_column(tag="portfolio", resource_id="p", label="Portfolio")

    # Canvas grades students only (canvas-lti.md §5.4).
    with pytest.raises(PlatformServiceError) as refused:
        gradebook.post_pass_fail(column, installed.teacher.lti_id, passed=True)
    assert refused.value.platform_status == 422
    assert "not a student" in refused.value.message
    assert refused.value.status == 502

    # Another key's column is not this tool's to read (§5.3: 412).
    other = next(li for li in line_items(installed.sandbox.store).values())
    other.client_id = "someone-else"
    with pytest.raises(PlatformServiceError) as hidden:
        gradebook.results(column)
    assert hidden.value.platform_status == 412

    # A registration removed since, and a Canvas that does not answer.
    with pytest.raises(ServiceUnavailable, match="no longer registered"):
        roster_client(installed.app, platform_id=999_999, memberships_url="http://127.0.0.1/")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = roster_client(
        installed.app,
        platform_id=installed.platform_id,
        memberships_url=f"http://127.0.0.1:{closed_port}/api/lti/courses/1/names_and_roles",
    )
    with pytest.raises(ServiceUnavailable, match="could not be reached"):
        unreachable.members()


def _launch(installed: InstalledCourse, services: dict[str, object]) -> SessionLaunch:
    return SessionLaunch(
        person_id=1,
        cohort_id=1,
        platform_id=installed.platform_id,
        sub=installed.teacher.lti_id,
        deployment_id="d",
        roles=frozenset({Role.INSTRUCTOR}),
        mentee_subs=(),
        display_name="Marcus Ellery",
        cohort_title="Cohort 12",
        message_type=claims.RESOURCE_LINK_REQUEST,
        services=services,
    )


def test_a_launch_hands_out_the_clients_canvas_offered_it(installed: InstalledCourse) -> None:
    offered = _launch(
        installed,
        {
            "nrps": installed.services_url + "/names_and_roles",
            "lineitems": installed.services_url + "/line_items",
            "ags_scopes": [claims.SCOPE_LINEITEM, claims.SCOPE_SCORE],
        },
    )
    assert len(launch_roster(installed.app, offered).members()) == CANDIDATES + 2
    column = launch_gradebook(installed.app, offered).find_or_create_column(
        tag="t", resource_id="r", label="Launch column"
    )
    assert column.label == "Launch column"

    bare = _launch(installed, {"nrps": None, "lineitems": None})
    with pytest.raises(ServiceUnavailable, match="roster"):
        launch_roster(installed.app, bare)
    with pytest.raises(ServiceUnavailable, match="grade"):
        launch_gradebook(installed.app, bare)
