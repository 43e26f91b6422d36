"""A small Canvas world for the platform tests: one course with every kind of enrollment and a
tool installed from its developer-key JSON."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from ctom_lti.sandbox.course_records import Course, CourseRole, ExternalTool
from ctom_lti.sandbox.platform import DeveloperKey, create_developer_key, deploy
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import Store, User
from ctom_lti.serving import ServerThread
from tests.integration.sandbox_platform.toolside import REDIRECT_URI, Browser, ToolKey, tool_config


@dataclass
class World:
    sandbox: SandboxServer
    store: Store
    course: Course
    other_course: Course
    admin: User
    teacher: User
    ta: User
    designer: User
    student: User
    student2: User
    observer: User
    custom_mentor: User
    mentor_role: CourseRole
    key: DeveloperKey
    tool: ExternalTool
    tool_key: ToolKey

    @property
    def base_url(self) -> str:
        return self.sandbox.base_url

    @property
    def nav_path(self) -> str:
        return f"/courses/{self.course.id}/external_tools/{self.tool.id}"

    def browser(self, user: User) -> Browser:
        browser = Browser(self.base_url)
        browser.sign_in(user.id)
        return browser


@pytest.fixture(scope="session")
def tool_key() -> ToolKey:
    return ToolKey.generate()


@pytest.fixture
def world(sandbox: SandboxServer, tool_key: ToolKey) -> World:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 3",
        course_code="CTOM-C3",
        sis_course_id="CTOM-COHORT-3",
        workflow_state="available",
    )
    other = store.add_course("Leadership Seminar", course_code="LEAD-1", workflow_state="available")

    def person(name: str, sis: str) -> User:
        login = name.lower().replace(" ", ".") + "@district.example.org"
        return store.add_user(name, login, email=login, sis_user_id=sis)

    teacher = person("Marcus Ellery", "T-1")
    ta = person("Priya Raman", "T-2")
    designer = person("Owen Fisk", "D-1")
    student = person("Alicia Moreno", "S-1")
    student2 = person("Brian Okafor", "S-2")
    observer = person("Ruth Castellanos", "M-1")
    custom_mentor = person("Samuel Ortiz", "M-2")
    mentor_role = store.add_course_role("Mentor", "ObserverEnrollment")
    store.enroll(teacher.id, course.id, "TeacherEnrollment")
    store.enroll(teacher.id, other.id, "StudentEnrollment")
    store.enroll(ta.id, course.id, "TaEnrollment")
    store.enroll(designer.id, course.id, "DesignerEnrollment")
    store.enroll(student.id, course.id, "StudentEnrollment")
    store.enroll(student2.id, course.id, "StudentEnrollment")
    store.enroll(observer.id, course.id, "ObserverEnrollment", associated_user_id=student.id)
    store.enroll(
        custom_mentor.id,
        course.id,
        "ObserverEnrollment",
        role_id=mentor_role.id,
        associated_user_id=student2.id,
    )
    key = create_developer_key(store, tool_config(tool_key), [REDIRECT_URI])
    tool = deploy(store, key, course_id=course.id)
    return World(
        sandbox=sandbox,
        store=store,
        course=course,
        other_course=other,
        admin=store.users[sandbox.admin_user_id],
        teacher=teacher,
        ta=ta,
        designer=designer,
        student=student,
        student2=student2,
        observer=observer,
        custom_mentor=custom_mentor,
        mentor_role=mentor_role,
        key=key,
        tool=tool,
        tool_key=tool_key,
    )


@pytest.fixture(scope="session")
def tool_jwks_url(tool_key: ToolKey) -> Iterator[str]:
    """The test tool's key set, served on localhost as a tool serves /lti/jwks."""
    app = Flask("test_tool_jwks")

    @app.get("/lti/jwks")
    def jwks() -> dict[str, list[dict[str, str]]]:
        return {"keys": [tool_key.jwk()]}

    with ServerThread(app, host="localhost") as server:
        yield f"{server.base_url}/lti/jwks"
