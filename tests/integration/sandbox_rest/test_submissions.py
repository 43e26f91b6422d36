"""Reading the gradebook and grading pass/fail (canvas-rest.md §4.10, §4.11, §5)."""

from __future__ import annotations

from typing import Any

import pytest
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, Forbidden

from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from tests.integration.sandbox_rest.conftest import add_students
from tests.sandbox_fixtures import Api


def _checklist(course: Course, names: list[str]) -> list[Any]:
    return [
        course.create_assignment(
            assignment={
                "name": name,
                "grading_type": "pass_fail",
                "points_possible": 1,
                "published": True,
            }
        )
        for name in names
    ]


def test_flat_list_has_a_placeholder_per_student_and_published_assignment(
    course: Course, sandbox: SandboxServer
) -> None:
    students = add_students(sandbox, course.id, 3)
    a1, a2 = _checklist(course, ["Principle 1", "Principle 2"])
    course.create_assignment(assignment={"name": "Draft, unpublished"})

    subs = list(course.get_multiple_submissions(student_ids=["all"]))

    assert len(subs) == 6
    assert {(s.assignment_id, s.user_id) for s in subs} == {
        (a.id, u.id) for a in (a1, a2) for u in students
    }
    untouched = subs[0]
    assert (untouched.workflow_state, untouched.grade, untouched.score) == (
        "unsubmitted",
        None,
        None,
    )
    assert (untouched.missing, untouched.late, untouched.seconds_late) == (False, False, 0)
    assert untouched.course_id == course.id
    assert [s.id for s in subs] == sorted(s.id for s in subs)


def test_grouped_list_paginates_students(course: Course, sandbox: SandboxServer) -> None:
    students = add_students(sandbox, course.id, 12)
    _checklist(course, ["Principle 1", "Principle 2"])
    grouped = list(course.get_multiple_submissions(student_ids=["all"], grouped=True, per_page=5))
    assert [g.user_id for g in grouped] == [u.id for u in students]
    assert all(len(g.submissions) == 2 for g in grouped)
    assert grouped[0].submissions[0].user_id == students[0].id


def test_bulk_read_rules(course: Course, sandbox: SandboxServer, api: Api) -> None:
    add_students(sandbox, course.id, 2)
    (published,) = _checklist(course, ["Principle 1"])
    hidden = course.create_assignment(assignment={"name": "Unpublished"})
    path = f"courses/{course.id}/students/submissions"

    bad = api.get(path, params={"student_ids[]": "all", "assignment_ids[]": [hidden.id]})
    assert (bad.status_code, bad.json()) == (403, {"error": "invalid assignment ids requested"})
    too_many = api.get(path, params={"student_ids[]": [str(n) for n in range(101)]})
    assert (too_many.status_code, too_many.json()) == (400, {"error": "too many students"})
    only = api.get(path, params={"student_ids[]": "all", "assignment_ids[]": [published.id]})
    assert {s["assignment_id"] for s in only.json()} == {published.id}
    with pytest.raises(Forbidden):
        list(course.get_multiple_submissions(student_ids=["all"], assignment_ids=[hidden.id]))


def test_grading_pass_fail_maps_to_complete_and_incomplete(
    course: Course, sandbox: SandboxServer
) -> None:
    student, other = add_students(sandbox, course.id, 2)
    (task,) = _checklist(course, ["Kickoff attendance"])

    graded = task.get_submission(student.id).edit(submission={"posted_grade": "pass"})
    assert (graded.grade, graded.score, graded.entered_grade) == ("complete", 1.0, "complete")
    assert graded.workflow_state == "graded"
    assert graded.grader_id == sandbox.admin_user_id
    assert graded.posted_at is not None and graded.graded_at is not None
    assert graded.submitted_at is None

    failed = task.get_submission(other.id).edit(submission={"posted_grade": "fail"})
    assert (failed.grade, failed.score) == ("incomplete", 0.0)
    mixed_case = task.get_submission(other.id).edit(submission={"posted_grade": "Complete"})
    assert mixed_case.score is None

    cleared = task.get_submission(student.id).edit(submission={"posted_grade": ""})
    assert (cleared.grade, cleared.score, cleared.workflow_state) == (None, None, "unsubmitted")


def test_excuse_and_refusals(course: Course, sandbox: SandboxServer, api: Api) -> None:
    (student,) = add_students(sandbox, course.id, 1)
    (task,) = _checklist(course, ["Final oral presentation"])
    excused = task.get_submission(student.id).edit(submission={"excuse": True})
    assert (excused.excused, excused.grade, excused.workflow_state) == (True, None, "graded")

    path = f"courses/{course.id}/assignments/{task.id}/submissions/{student.id}"
    both = api.put(path, data={"submission[posted_grade]": "pass", "submission[excuse]": "true"})
    assert both.status_code == 400
    assert both.json() == {"error": "Cannot simultaneously grade and excuse an assignment"}
    stranger: User = sandbox.store.add_user("Not Enrolled", "ne@x.org")
    resp = api.put(
        f"courses/{course.id}/assignments/{task.id}/submissions/{stranger.id}",
        data={"submission[posted_grade]": "pass"},
    )
    assert resp.status_code == 404


def test_grade_response_carries_comments_and_all_submissions(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    (student,) = add_students(sandbox, course.id, 1)
    (task,) = _checklist(course, ["Session 1 attendance"])
    resp = api.put(
        f"courses/{course.id}/assignments/{task.id}/submissions/{student.id}",
        data={"submission[posted_grade]": "complete", "comment[text_comment]": "Welcome!"},
    )
    body = resp.json()
    assert body["all_submissions"][0]["grade"] == "complete"
    assert [c["comment"] for c in body["submission_comments"]] == ["Welcome!"]


def test_bulk_update_returns_progress_and_applies_grades(
    course: Course, sandbox: SandboxServer, canvas: Any
) -> None:
    a, b = add_students(sandbox, course.id, 2)
    t1, t2 = _checklist(course, ["Principle 1", "Principle 2"])

    progress = t1.submissions_bulk_update(
        grade_data={a.id: {"posted_grade": "complete"}, b.id: {"posted_grade": "incomplete"}}
    )
    assert (progress.workflow_state, progress.tag) == ("queued", "submissions_update")
    polled = progress.query()
    assert (polled.workflow_state, polled.completion) == ("completed", 100.0)
    grades = {(s.user_id, s.grade) for s in t1.get_submissions()}
    assert grades == {(a.id, "complete"), (b.id, "incomplete")}

    course_level = course.submissions_bulk_update(
        grade_data={t2.id: {a.id: {"posted_grade": "pass"}}}
    )
    assert canvas.get_progress(course_level.id).workflow_state == "completed"
    assert t2.get_submission(a.id).grade == "complete"


def test_bulk_update_refuses_unpublished_assignments(
    course: Course, sandbox: SandboxServer
) -> None:
    (student,) = add_students(sandbox, course.id, 1)
    draft = course.create_assignment(assignment={"name": "Draft"})
    with pytest.raises(BadRequest, match="published"):
        draft.submissions_bulk_update(grade_data={student.id: {"posted_grade": "pass"}})


def test_student_sees_only_their_own_row(course: Course, sandbox: SandboxServer) -> None:
    from tests.sandbox_fixtures import make_canvas

    me, other = add_students(sandbox, course.id, 2)
    _checklist(course, ["Principle 1"])
    mine = make_canvas(sandbox.base_url, sandbox.token_for(me.id)).get_course(course.id)
    assert [s.user_id for s in mine.get_multiple_submissions()] == [me.id]
    with pytest.raises(Forbidden):
        list(mine.get_multiple_submissions(student_ids=[other.id]))
