"""``ctom-lti roster refresh``: the course roster from the sandbox Canvas over real HTTP.

The tool is installed in a course as admins would; one person launches (which tells the tool the
course's roster URL); the refresh then reads every member with the tool's own token.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cli import main
from ctom_lti.cohorts.records import find_cohort, link_canvas_course
from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.models import AuditEvent, Membership, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from ctom_lti.serving import ServerThread
from tests.integration.lti.test_launch_via_sandbox import Cohort12, launch_from_course
from tests.lti_support import HtmlForm, html_forms
from tests.sandbox_fixtures import Api

from .support import cohort_file

SIS = "CTOM-2026-C12"


@dataclass
class Course:
    app: Flask
    sandbox: SandboxServer
    launcher: Cohort12
    people: dict[str, User]

    def refresh(self) -> Any:
        return self.app.test_cli_runner().invoke(main, ["roster", "refresh", "--cohort", SIS])

    def memberships(self, session: Session) -> dict[str | None, tuple[str, str]]:
        """Each person's (role, status) in the cohort, by name."""
        session.expire_all()
        rows = session.execute(
            select(Person.name, Membership.role, Membership.status).join(Membership.person)
        ).all()
        return {name: (role, status) for name, role, status in rows}


@pytest.fixture
def course(app: Flask, sandbox: SandboxServer, tool_server: ServerThread, tmp_path: Path) -> Course:
    store = sandbox.store
    canvas_course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )

    def person(name: str, enrollment: str) -> User:
        login = name.lower().replace(" ", ".") + "@district.example.org"
        user = store.add_user(name, login, email=login)
        store.enroll(user.id, canvas_course.id, enrollment)
        return user

    people = {
        "candidate": person("Alicia Moreno", "StudentEnrollment"),
        "quiet": person("Dana Whitfield", "StudentEnrollment"),
        "leaving": person("Omar Haddad", "StudentEnrollment"),
        "instructor": person("Marcus Ellery", "TeacherEnrollment"),
        # An account admin: launches through the account role, not enrolled in the course.
        "admin": store.users[sandbox.admin_user_id],
    }
    install = connect_tool_and_sandbox(
        app,
        sandbox,
        tool_server.base_url,
        course_id=canvas_course.id,
        canvas_token=sandbox.admin_token,
    )
    path = cohort_file(tmp_path, canvas_url=sandbox.base_url)
    imported = app.test_cli_runner().invoke(main, ["cohort", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    with session_scope(app) as session:
        link_canvas_course(session, find_cohort(session, SIS), canvas_course.id)
    launcher = Cohort12(sandbox, tool_server.base_url, canvas_course, install.tool, people)
    return Course(app, sandbox, launcher, people)


def test_people_who_never_launched_become_known_and_leavers_turn_inactive(
    course: Course, session: Session, api: Api
) -> None:
    launch_from_course(course.launcher, "candidate")
    assert course.memberships(session) == {"Alicia Moreno": ("candidate", "active")}

    first = course.refresh()
    assert first.exit_code == 0, first.output
    assert (
        "Roster of CTOM-2026-C12: 4 people enrolled, 3 new to the tool, 3 memberships added or "
        "active again, 0 marked inactive" in first.output
    )
    assert course.memberships(session) == {
        "Alicia Moreno": ("candidate", "active"),
        "Dana Whitfield": ("candidate", "active"),
        "Omar Haddad": ("candidate", "active"),
        "Marcus Ellery": ("instructor", "active"),
    }
    quiet = session.scalars(select(Person).where(Person.name == "Dana Whitfield")).one()
    assert quiet.email == "dana.whitfield@district.example.org"
    assert quiet.sub == course.people["quiet"].lti_id

    # Omar leaves the course in Canvas.
    leaving = course.people["leaving"]
    [enrollment] = [e for e in course.sandbox.store.enrollments.values() if e.user_id == leaving.id]
    removed = api.delete(
        f"courses/{course.launcher.course.id}/enrollments/{enrollment.id}",
        params={"task": "delete"},
    )
    assert removed.status_code == 200, removed.text

    second = course.refresh()
    assert second.exit_code == 0, second.output
    assert "4 people enrolled" not in second.output
    assert (
        "3 people enrolled, 0 new to the tool, 0 memberships added or active again, 1 marked"
        in (second.output)
    )
    assert course.memberships(session)["Omar Haddad"] == ("candidate", "inactive")
    assert session.scalars(select(Person).where(Person.name == "Omar Haddad")).one()  # kept
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.refresh")).all()
    assert [a.detail["inactive"] for a in audit if a.detail] == [0, 1]

    # Nothing changed in Canvas: a third refresh changes nothing.
    third = course.refresh()
    assert "0 new to the tool, 0 memberships added or active again, 0 marked inactive" in (
        third.output
    )


def test_before_any_launch_the_refresh_says_what_to_do(course: Course, session: Session) -> None:
    result = course.refresh()
    assert result.exit_code == 2
    assert "nobody has opened CTO Mentor from the course" in result.output
    assert "Open CTO Mentor once from the course in Canvas" in result.output
    assert course.memberships(session) == {}


def test_an_unknown_cohort_is_named(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, ["roster", "refresh", "--cohort", "CTOM-1999"])
    assert result.exit_code == 2
    assert "No cohort has the SIS course id 'CTOM-1999'" in result.output
    assert "ctom-lti cohort list" in result.output


def _forms(page: str, ending: str) -> list[HtmlForm]:
    return [
        f for f in html_forms(page) if f.action.replace("&amp;", "&").split("?")[0].endswith(ending)
    ]


def test_an_admin_refreshes_the_roster_from_the_home_page(course: Course, session: Session) -> None:
    launch_from_course(course.launcher, "candidate")
    browser, page = launch_from_course(course.launcher, "admin")
    [form] = _forms(page, "/roster/refresh")
    tool = course.launcher.tool_url
    done = browser.post(
        urljoin(tool, form.action.replace("&amp;", "&")), data=form.fields, timeout=10
    )
    assert done.status_code == 200
    assert (
        "Roster of CTO Mentor Program - Cohort 12: 4 people enrolled, 3 new to the tool"
        in html.unescape(done.text)
    )
    # The home list stays "people who have opened CTO Mentor".
    assert "Dana Whitfield" not in done.text
    assert course.memberships(session)["Dana Whitfield"] == ("candidate", "active")
    assert course.memberships(session)["Sandbox Admin"] == ("admin", "active")


def test_only_admins_see_and_may_use_the_refresh(course: Course, session: Session) -> None:
    browser, page = launch_from_course(course.launcher, "instructor")
    assert _forms(page, "/roster/refresh") == []
    # Take a valid form token from the profile page and try anyway.
    match = re.search(r'href="(/c/(\d+)/profile[^"]*)"', page)
    assert match
    tool = course.launcher.tool_url
    profile = browser.get(tool + match.group(1).replace("&amp;", "&"), timeout=10)
    [form] = [f for f in html_forms(profile.text) if "csrf_token" in f.fields]
    query = urlsplit(form.action.replace("&amp;", "&")).query
    refused = browser.post(
        f"{tool}/c/{match.group(2)}/roster/refresh" + (f"?{query}" if query else ""),
        data={"csrf_token": form.fields["csrf_token"]},
        timeout=10,
    )
    assert refused.status_code == 403
    assert "admin" in refused.text
    assert "Dana Whitfield" not in course.memberships(session)
