"""Contract facts where real Canvas differs from what a reader of its docs would expect.

Each fact is recorded, with its Canvas source, where the sandbox implements it (see the comment
at each endpoint); these tests hold the sandbox to them over real HTTP.
"""

from __future__ import annotations

from canvasapi.course import Course

from ctom_lti.sandbox.server import SandboxServer
from tests.integration.sandbox_rest.conftest import add_students
from tests.sandbox_fixtures import Api


def test_course_users_always_carry_email_and_sis_id_and_names_only_when_asked(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    s = sandbox.store
    user = s.add_user("Keiko Tanaka", "kt", email="kt@district.example.org", sis_user_id="S-7")
    s.enroll(user.id, course.id, "StudentEnrollment")
    [plain] = api.get(f"courses/{course.id}/users").json()
    assert (plain["email"], plain["sis_user_id"]) == ("kt@district.example.org", "S-7")
    assert {"first_name", "last_name", "locale"}.isdisjoint(plain)
    [asked] = api.get(
        f"courses/{course.id}/users",
        params=[("include[]", "first_name"), ("include[]", "last_name"), ("include[]", "locale")],
    ).json()
    assert (asked["first_name"], asked["last_name"]) == ("Keiko", "Tanaka")
    assert "locale" in asked


def test_course_user_enrollments_do_not_repeat_the_user(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    [student] = add_students(sandbox, course.id, 1)
    [user] = api.get(f"courses/{course.id}/users", params={"include[]": "enrollments"}).json()
    [enrollment] = user["enrollments"]
    assert enrollment["user_id"] == student.id
    assert "user" not in enrollment
    # The enrollments list itself still names the user.
    [listed] = api.get(f"courses/{course.id}/enrollments").json()
    assert listed["user"]["id"] == student.id


def test_users_only_invited_show_no_login_id_or_email(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    s = sandbox.store
    invited = s.add_user("Ivy Invited", "ivy", email="ivy@district.example.org")
    active = s.add_user("Ann Active", "ann", email="ann@district.example.org")
    s.enroll(invited.id, course.id, "TeacherEnrollment", state="invited")
    s.enroll(active.id, course.id, "StudentEnrollment")
    users = {u["name"]: u for u in api.get(f"courses/{course.id}/users").json()}
    assert "login_id" not in users["Ivy Invited"] and "email" not in users["Ivy Invited"]
    assert users["Ann Active"]["login_id"] == "ann"
    assert users["Ann Active"]["email"] == "ann@district.example.org"


def test_user_ids_may_be_comma_separated(course: Course, sandbox: SandboxServer, api: Api) -> None:
    a, b, _c = add_students(sandbox, course.id, 3)
    listed = api.get(f"courses/{course.id}/users", params={"user_ids": f"{a.id},{b.id}"}).json()
    assert sorted(u["id"] for u in listed) == [a.id, b.id]
    as_array = api.get(f"courses/{course.id}/users", params=[("user_ids[]", str(a.id))]).json()
    assert [u["id"] for u in as_array] == [a.id]


def test_courses_carry_the_callers_own_enrollments(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    s = sandbox.store
    teacher = s.add_user("Marcus Ellery", "me@district.example.org")
    s.enroll(teacher.id, course.id, "TeacherEnrollment", state="active")
    as_teacher = api.as_user(s.issue_token(teacher.id))
    expected = [
        {
            "type": "teacher",
            "role": "TeacherEnrollment",
            "role_id": 4,
            "user_id": teacher.id,
            "enrollment_state": "active",
            "limit_privileges_to_course_section": False,
        }
    ]
    assert as_teacher.get(f"courses/{course.id}").json()["enrollments"] == expected
    [mine] = as_teacher.get("courses").json()
    assert mine["enrollments"] == expected
    # An admin who is not enrolled sees the course with none of their own.
    assert api.get(f"courses/{course.id}").json()["enrollments"] == []


def test_users_are_found_by_their_lti_ids_and_uuid(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    s = sandbox.store
    [student] = add_students(sandbox, course.id, 1)
    legacy = s.opaque_id(f"user_{student.id}")
    uuid = s.opaque_id(f"user_uuid_{student.id}")
    for ref in (f"lti_1_3_id:{student.lti_id}", f"lti_user_id:{legacy}", f"uuid:{uuid}"):
        resp = api.get(f"users/{ref}")
        assert (resp.status_code, resp.json().get("id")) == (200, student.id), ref
    assert api.get("users/lti_1_3_id:00000000-0000-4000-8000-000000000000").status_code == 404


def test_built_in_role_ids_are_those_of_a_fresh_canvas(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    s = sandbox.store
    ids = {}
    for kind in ("Student", "Teacher", "Ta", "Designer", "Observer"):
        user = s.add_user(f"{kind} Person", f"{kind.lower()}@district.example.org")
        s.enroll(user.id, course.id, f"{kind}Enrollment", state="active")
    for e in api.get(f"courses/{course.id}/enrollments", params={"per_page": 50}).json():
        ids[e["type"]] = e["role_id"]
    assert ids == {
        "StudentEnrollment": 3,
        "TeacherEnrollment": 4,
        "TaEnrollment": 5,
        "DesignerEnrollment": 6,
        "ObserverEnrollment": 7,
    }
    # A custom course role never shares an id with a built-in one.
    assert s.add_course_role("Mentor", "ObserverEnrollment").id > 7


def test_bulk_grading_progress_names_no_user(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    [student] = add_students(sandbox, course.id, 1)
    a = api.post(
        f"courses/{course.id}/assignments",
        data={"assignment[name]": "A", "assignment[published]": "true"},
    ).json()
    progress = api.post(
        f"courses/{course.id}/assignments/{a['id']}/submissions/update_grades",
        data={f"grade_data[{student.id}][posted_grade]": "1"},
    ).json()
    assert progress["tag"] == "submissions_update"
    assert progress["user_id"] is None
    assert api.get(f"progress/{progress['id']}").json()["user_id"] is None


def test_an_assignment_with_only_teacher_grades_can_be_unpublished(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    [student] = add_students(sandbox, course.id, 1)
    a = api.post(
        f"courses/{course.id}/assignments",
        data={
            "assignment[name]": "Attended kickoff",
            "assignment[published]": "true",
            "assignment[grading_type]": "pass_fail",
            "assignment[points_possible]": "1",
        },
    ).json()
    graded = api.put(
        f"courses/{course.id}/assignments/{a['id']}/submissions/{student.id}",
        data={"submission[posted_grade]": "complete"},
    ).json()
    assert graded["workflow_state"] == "graded" and graded["submitted_at"] is None
    assert api.get(f"courses/{course.id}/assignments/{a['id']}").json()["unpublishable"] is True
    resp = api.put(
        f"courses/{course.id}/assignments/{a['id']}", data={"assignment[published]": "false"}
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["published"] is False
