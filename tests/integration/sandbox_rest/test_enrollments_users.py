"""Users, sections and enrollments through canvasapi (canvas-rest.md §4.2 to §4.4)."""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.account import Account
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, ResourceDoesNotExist

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api


def test_create_find_and_search_users(canvas: Canvas, account: Account) -> None:
    user = account.create_user(
        pseudonym={"unique_id": "aliciam@district.example.org", "sis_user_id": "cand-001"},
        user={"name": "Alicia Moreno"},
    )
    account.create_user(
        pseudonym={"unique_id": "bokafor@district.example.org"}, user={"name": "Brian Okafor"}
    )

    assert (user.name, user.sortable_name, user.login_id) == (
        "Alicia Moreno",
        "Moreno, Alicia",
        "aliciam@district.example.org",
    )
    assert canvas.get_user("cand-001", "sis_user_id").id == user.id
    assert canvas.get_user(user.id).sis_user_id == "cand-001"
    assert [u.name for u in account.get_users(search_term="moreno")] == ["Alicia Moreno"]
    with pytest.raises(BadRequest, match="already in use"):
        account.create_user(pseudonym={"unique_id": "other@x.org", "sis_user_id": "cand-001"})
    with pytest.raises(ResourceDoesNotExist):
        canvas.get_user("nobody", "sis_user_id")


def test_short_search_term_is_refused(api: Api) -> None:
    resp = api.get("accounts/self/users", params={"search_term": "a"})
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["field"] == "search_term"


def test_enrollment_is_idempotent_and_observers_link_to_a_student(
    course: Course, sandbox: SandboxServer
) -> None:
    candidate = sandbox.store.add_user("Carmen Liu", "cliu@district.example.org")
    mentor = sandbox.store.add_user("Ruth Castellanos", "rcastellanos@district.example.org")

    first = course.enroll_user(
        candidate.id, "StudentEnrollment", enrollment={"enrollment_state": "active"}
    )
    again = course.enroll_user(
        candidate.id, "StudentEnrollment", enrollment={"enrollment_state": "active"}
    )
    link = course.enroll_user(
        mentor.id,
        "ObserverEnrollment",
        enrollment={"associated_user_id": candidate.id, "enrollment_state": "active"},
    )

    assert first.id == again.id
    assert (link.type, link.associated_user_id, link.role) == (
        "ObserverEnrollment",
        candidate.id,
        "ObserverEnrollment",
    )
    # Canvas lists enrollments by type, then name: the observer before the student.
    assert [(e.user_id, e.type) for e in course.get_enrollments()] == [
        (mentor.id, "ObserverEnrollment"),
        (candidate.id, "StudentEnrollment"),
    ]


def test_default_state_depends_on_course_state(course: Course, sandbox: SandboxServer) -> None:
    student = sandbox.store.add_user("S", "s@x.org")
    teacher = sandbox.store.add_user("T", "t@x.org")
    assert course.enroll_user(student.id, "StudentEnrollment").enrollment_state == (
        "creation_pending"
    )
    assert course.enroll_user(teacher.id, "TeacherEnrollment").enrollment_state == "invited"


def test_custom_role_fixes_the_enrollment_type(course: Course, sandbox: SandboxServer) -> None:
    role = sandbox.store.add_course_role("Mentor", "ObserverEnrollment")
    mentor = sandbox.store.add_user("M", "m@x.org")
    e = course.enroll_user(mentor.id, enrollment={"role_id": role.id})
    assert (e.type, e.role, e.role_id) == ("ObserverEnrollment", "Mentor", role.id)
    with pytest.raises(BadRequest, match="base type"):
        course.enroll_user(mentor.id, "StudentEnrollment", enrollment={"role_id": role.id})


def test_enrollment_errors(course: Course, api: Api, sandbox: SandboxServer) -> None:
    user = sandbox.store.add_user("U", "u@x.org")
    no_user = api.post(f"courses/{course.id}/enrollments", data={"enrollment[type]": "x"})
    assert no_user.status_code == 400
    assert "enrollment[user_id]" in no_user.json()["message"]
    bad_type = api.post(
        f"courses/{course.id}/enrollments",
        data={"enrollment[user_id]": user.id, "enrollment[type]": "WizardEnrollment"},
    )
    assert (bad_type.status_code, bad_type.json()) == (400, {"message": "Invalid type"})
    with pytest.raises(ResourceDoesNotExist):
        course.enroll_user(99999, "StudentEnrollment")


def test_list_filters_and_delete_tasks(course: Course, sandbox: SandboxServer) -> None:
    s = sandbox.store
    students = [s.add_user(f"S{n}", f"s{n}@x.org") for n in range(3)]
    teacher = s.add_user("T", "t@x.org")
    enrollments = [
        course.enroll_user(u.id, "StudentEnrollment", enrollment={"enrollment_state": "active"})
        for u in students
    ]
    course.enroll_user(teacher.id, "TeacherEnrollment", enrollment={"enrollment_state": "active"})

    assert len(list(course.get_enrollments(type=["StudentEnrollment"]))) == 3
    assert [e.user_id for e in course.get_enrollments(user_id=teacher.id)] == [teacher.id]

    enrollments[0].deactivate("conclude")
    enrollments[1].deactivate("delete")
    assert [e.user_id for e in course.get_enrollments(type=["StudentEnrollment"])] == [
        students[2].id
    ]
    concluded = course.get_enrollments(state=["completed"])
    assert [e.user_id for e in concluded] == [students[0].id]


def test_sections_and_section_enrollment(course: Course, sandbox: SandboxServer) -> None:
    north = course.create_course_section(
        course_section={"name": "North", "sis_section_id": "cohort-north"}
    )
    user = sandbox.store.add_user("U", "u@x.org")
    e = north.enroll_user(user.id, enrollment={"type": "StudentEnrollment"})
    assert (e.course_section_id, e.sis_section_id) == (north.id, "cohort-north")
    # the default section only appears once an enrollment needs it (§4.3)
    assert [x.name for x in course.get_sections()] == ["North"]
    with pytest.raises(BadRequest, match="already in use"):
        course.create_course_section(
            course_section={"name": "N2", "sis_section_id": "cohort-north"}
        )


def test_course_users_with_enrollments(course: Course, sandbox: SandboxServer) -> None:
    s = sandbox.store
    student = s.add_user("Keiko Tanaka", "kt@x.org")
    teacher = s.add_user("Marcus Ellery", "me@x.org")
    s.enroll(student.id, course.id, "StudentEnrollment")
    s.enroll(teacher.id, course.id, "TeacherEnrollment")
    users = list(course.get_users(enrollment_type=["student"], include=["enrollments"]))
    assert [u.name for u in users] == ["Keiko Tanaka"]
    assert users[0].enrollments[0]["type"] == "StudentEnrollment"
