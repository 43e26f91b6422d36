"""Submissions: reading the gradebook (canvas-rest.md §4.10) and grading (§4.11, §5)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import grading
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Assignment, Submission
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    current_user,
    find_assignment,
    find_course,
    find_section,
    find_user,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_str,
    params,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.progress import progress_json, start_job
from ctom_lti.sandbox.rest.submission_json import submission_json
from ctom_lti.sandbox.rest.submission_queries import (
    filter_submissions,
    placeholders,
    requested_assignments,
    requested_students,
    student_row,
)
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import iso, now

bp = Blueprint("submissions", __name__)


# canvas-rest.md §4.10 (bulk gradebook read, flat and grouped)
@bp.get("/courses/<course_id>/students/submissions")
@bp.get("/sections/<section_id>/students/submissions")
def for_students(course_id: str | None = None, section_id: str | None = None) -> Response:
    s = store()
    sec_id: int | None = None
    if section_id is not None:
        sec = find_section(section_id)
        course = s.courses[sec.course_id]
        sec_id = sec.id
    else:
        course = find_course(course_id or "")
    require_read(course)
    p = params()
    includes = set(str_list(p.get("include")))
    # [I] Canvas documents `grouped` as "present = grouped"; canvasapi sends grouped=false
    # for flat lists, so the value is read as a boolean here.
    grouped = to_bool(p.get("grouped", False))
    with s.lock:
        assignments = requested_assignments(s, course, p)
        students = requested_students(s, course, p, sec_id)
        placeholders(s, assignments, students)
        wanted = {a.id for a in assignments}
        student_set = set(students)
        subs = sorted(
            (
                x
                for x in s.submissions.values()
                if x.assignment_id in wanted and x.user_id in student_set
            ),
            key=lambda x: x.id,
        )
    subs = filter_submissions(subs, p)
    if not grouped:
        return paginate(subs, lambda x: submission_json(x, includes), with_last=False)

    by_student: dict[int, list[Submission]] = {uid: [] for uid in students}
    for x in subs:
        by_student[x.user_id].append(x)
    enrollments = {
        e.user_id: e
        for e in sorted(s.enrollments_in(course.id, current_only=False), key=lambda e: -e.id)
        if e.type in {"StudentEnrollment", "StudentViewEnrollment"}
    }

    def render(uid: int) -> dict[str, Any]:
        user = s.users[uid]
        row: dict[str, Any] = {
            "user_id": uid,
            "section_id": enrollments[uid].course_section_id if uid in enrollments else None,
            "integration_id": user.integration_id,
            "sis_user_id": user.sis_user_id,
            "submissions": [submission_json(x, includes) for x in by_student[uid]],
        }
        if "total_scores" in includes:
            scores = [x.score or 0.0 for x in by_student[uid] if x.score is not None]
            possible = sum(
                s.assignments[x.assignment_id].points_possible or 0.0
                for x in by_student[uid]
                if x.score is not None
            )
            pct = round(sum(scores) / possible * 100.0, 2) if possible else None
            row |= {
                "computed_current_score": pct,
                "computed_final_score": pct,
                "unposted_current_score": pct,
                "unposted_final_score": pct,
            }
        return row

    return paginate(students, render, with_last=False)


@bp.get("/courses/<course_id>/assignments/<assignment_id>/submissions")
def list_assignment_submissions(course_id: str, assignment_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    a = find_assignment(course, assignment_id)
    s = store()
    includes = set(str_list(params().get("include")))
    with s.lock:
        students = s.students_of(course.id)
        placeholders(s, [a], students)
        subs = sorted(
            (
                x
                for x in s.submissions.values()
                if x.assignment_id == a.id and x.user_id in students
            ),
            key=lambda x: x.id,
        )
    return paginate(filter_submissions(subs, params()), lambda x: submission_json(x, includes))


@bp.get("/courses/<course_id>/assignments/<assignment_id>/submissions/<user_id>")
def get_submission(course_id: str, assignment_id: str, user_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    a = find_assignment(course, assignment_id)
    includes = set(str_list(params().get("include")))
    return jsonify(submission_json(student_row(course, a, user_id), includes))


# --- grading ------------------------------------------------------------------------------------


def _grade_fields(data: Params) -> tuple[str | None, bool | None]:
    posted = data.get("posted_grade")
    if isinstance(posted, dict | list):
        raise errors.error("posted_grade must be a single value")
    excuse = data.get("excuse")
    return (None if posted is None else str(posted)), (
        None if excuse in (None, "") else to_bool(excuse)
    )


def _comment(sub: Submission, text: str | None) -> None:
    if not text:
        return
    user = current_user()
    sub.comments.append(
        {
            "id": store().next_id("submission_comments"),
            "author_id": user.id,
            "author_name": user.short_name,
            "comment": text,
            "created_at": iso(now()),
            "edited_at": None,
            "media_comment": None,
        }
    )


# canvas-rest.md §4.11 (single grade; pass/fail mapping §5)
@bp.put("/courses/<course_id>/assignments/<assignment_id>/submissions/<user_id>")
def grade(course_id: str, assignment_id: str, user_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    a = find_assignment(course, assignment_id)
    sub = student_row(course, a, user_id)
    p = params()
    fields = section(p, "submission")
    posted, excuse = _grade_fields(fields)
    s = store()
    with s.lock:
        if posted is not None or excuse is not None:
            try:
                sub = grading.grade_submission(
                    s, a, sub.user_id, posted, current_user().id, excuse=excuse
                )
            except grading.GradeError as exc:
                raise errors.error(str(exc)) from None
        status = opt_str(fields, "late_policy_status")
        if "late_policy_status" in fields:
            sub.late_policy_status = None if status in (None, "", "none") else status
        _comment(sub, opt_str(section(p, "comment"), "text_comment"))
    data = submission_json(sub, set(str_list(p.get("include"))))
    data["all_submissions"] = [dict(data)]
    data["submission_comments"] = list(sub.comments)
    return jsonify(data)


GradePlan = list[tuple[Assignment, int, str | None, bool | None, str | None]]


def _bulk_job(s: Store, plan: GradePlan, grader_id: int) -> Any:
    def job() -> dict[str, Any] | None:
        for a, uid, posted, excuse, comment in plan:
            try:
                sub = grading.grade_submission(s, a, uid, posted, grader_id, excuse=excuse)
            except grading.GradeError as exc:
                raise ValueError(str(exc)) from None
            if comment:
                sub.comments.append(
                    {
                        "id": s.next_id("submission_comments"),
                        "author_id": grader_id,
                        "author_name": s.users[grader_id].short_name,
                        "comment": comment,
                        "created_at": iso(now()),
                        "edited_at": None,
                        "media_comment": None,
                    }
                )
        return None

    return job


def _plan_entry(
    course: Course, a: Assignment, raw_student: str, data: Any
) -> tuple[Assignment, int, str | None, bool | None, str | None]:
    s = store()
    if not a.published:
        raise errors.error("Assignment must be published to grade submissions")
    if not isinstance(data, dict):
        raise errors.error(f"grade_data[{raw_student}] must be a hash")
    uid = find_user(raw_student).id
    if uid not in s.students_of(course.id):
        raise errors.error("Student must be enrolled in the course as a student to be graded")
    posted, excuse = _grade_fields(data)
    if excuse and posted not in (None, ""):
        raise errors.error("Cannot simultaneously grade and excuse an assignment")
    return a, uid, posted, excuse, opt_str(data, "text_comment")


# canvas-rest.md §4.11 (bulk update → Progress, applied asynchronously)
@bp.post("/courses/<course_id>/assignments/<assignment_id>/submissions/update_grades")
@bp.post("/courses/<course_id>/submissions/update_grades")
def bulk_update(course_id: str, assignment_id: str | None = None) -> Response:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    grade_data = section(p, "grade_data")
    if not grade_data:
        raise errors.error("grade_data is required")
    plan = []
    if assignment_id is not None:
        a = find_assignment(course, assignment_id)
        plan = [_plan_entry(course, a, sid, data) for sid, data in grade_data.items()]
    else:
        # course level: grade_data[<assignment_id>][<student_id>][posted_grade]
        for aid, per_student in grade_data.items():
            a = find_assignment(course, str(aid))
            if not isinstance(per_student, dict):
                raise errors.error(f"grade_data[{aid}] must be a hash of students")
            plan += [_plan_entry(course, a, sid, data) for sid, data in per_student.items()]
    s = store()
    grader = current_user().id
    # holding the lock keeps the job from running before the "queued" answer is rendered
    with s.lock:
        progress = start_job(
            s,
            context_type="Course",
            context_id=course.id,
            # app/models/submission.rb queue_bulk_update: Progress.create!(context:, tag:
            # "submissions_update") names no user, so the Progress says user_id null.
            user_id=None,
            tag="submissions_update",
            job=_bulk_job(s, plan, grader),
        )
        return jsonify(progress_json(progress))
