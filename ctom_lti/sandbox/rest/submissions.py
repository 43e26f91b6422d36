"""Submissions: reading the gradebook (canvas-rest.md §4.10) and grading (§4.11, §5)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content, grading
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.assignment_json import assignment_json
from ctom_lti.sandbox.rest.auth import (
    can_manage_course,
    current_user,
    find_assignment,
    find_course,
    find_section,
    find_user,
    require,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.progress import progress_json, start_job
from ctom_lti.sandbox.rest.render import host, user_summary
from ctom_lti.sandbox.store import Assignment, Course, Store, Submission, iso, now

bp = Blueprint("submissions", __name__)

MAX_STUDENTS = 100
#: submission types that do not expect the student to hand anything in (§4.10 `missing`) [I]
_NO_SUBMISSION = {"none", "on_paper", "not_graded"}


# --- late / missing (canvas-rest.md §4.10, Submission::Tardiness) -------------------------------


def seconds_late(sub: Submission, a: Assignment, at: datetime) -> int:
    if sub.late_policy_status == "late":
        return 0  # the sandbox keeps no seconds_late_override
    if a.due_at is None:
        return 0
    return max(0, int(((sub.submitted_at or at) - a.due_at).total_seconds()))


def is_late(sub: Submission, a: Assignment, at: datetime) -> bool:
    if sub.excused:
        return False
    if sub.late_policy_status:
        return sub.late_policy_status == "late"
    return sub.submitted_at is not None and seconds_late(sub, a, at) > 0


def is_missing(sub: Submission, a: Assignment, at: datetime) -> bool:
    if sub.excused:
        return False
    if sub.late_policy_status:
        return sub.late_policy_status == "missing"
    if sub.grader_id is not None or sub.submitted_at is not None:
        return False
    if seconds_late(sub, a, at) <= 0:
        return False
    return not set(a.submission_types) <= _NO_SUBMISSION


def submission_json(sub: Submission, includes: set[str] | None = None) -> dict[str, Any]:
    """Submission JSON (SUBMISSION_JSON_FIELDS + methods, §4.10)."""
    s = store()
    a = s.assignments[sub.assignment_id]
    at = datetime.now(UTC)
    includes = includes or set()
    data: dict[str, Any] = {
        "id": sub.id,
        "body": sub.body,
        "url": sub.url,
        "grade": sub.grade,
        "score": sub.score,
        "submitted_at": iso(sub.submitted_at),
        "assignment_id": sub.assignment_id,
        "user_id": sub.user_id,
        "submission_type": sub.submission_type,
        "workflow_state": sub.workflow_state,
        "grade_matches_current_submission": True,
        "graded_at": iso(sub.graded_at),
        "grader_id": sub.grader_id,
        "attempt": sub.attempt,
        "cached_due_date": iso(a.due_at),
        "excused": sub.excused,
        "late_policy_status": sub.late_policy_status,
        "points_deducted": None,
        "grading_period_id": None,
        "extra_attempts": None,
        "posted_at": iso(sub.posted_at),
        "redo_request": False,
        "custom_grade_status_id": None,
        "sticker": None,
        "late": is_late(sub, a, at),
        "missing": is_missing(sub, a, at),
        "seconds_late": seconds_late(sub, a, at),
        "entered_grade": sub.entered_grade,
        "entered_score": sub.entered_score,
        "preview_url": (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions/{sub.user_id}"
            f"?preview=1&version={sub.attempt or 0}"
        ),
    }
    if "external_tool" in a.submission_types and sub.submission_type == "basic_lti_launch":
        data["external_tool_url"] = sub.url
    if "submission_comments" in includes:
        data["submission_comments"] = list(sub.comments)
    if "assignment" in includes:
        data["assignment"] = assignment_json(a)
    if "user" in includes:
        data["user"] = user_summary(s.users[sub.user_id])
    if "html_url" in includes:
        # canvas-lms lib/api/v1/submission.rb `submission_json`: the submission's page, sent only
        # when asked for. Canvas links anonymized assignments to SpeedGrader instead; the sandbox
        # has no anonymous grading.
        data["html_url"] = (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions/{sub.user_id}"
        )
    if "submission_history" in includes:
        data["submission_history"] = [{k: v for k, v in data.items() if k != "submission_history"}]
    return data


# --- reading ------------------------------------------------------------------------------------


def _placeholders(s: Store, assignments: list[Assignment], students: list[int]) -> None:
    """Canvas keeps a row per student x published assignment from the start (§4.10)."""
    for a in sorted(assignments, key=lambda x: x.id):
        for uid in students:
            s.submission_for(a.id, uid)


def _published(s: Store, course: Course) -> list[Assignment]:
    return [a for a in content.course_assignments(s, course.id) if a.published]


def _requested_assignments(s: Store, course: Course, p: Params) -> list[Assignment]:
    published = _published(s, course)
    raw = str_list(p.get("assignment_ids"))
    if not raw:
        return published
    by_id = {str(a.id): a for a in published}
    by_sis = {a.sis_assignment_id: a for a in published if a.sis_assignment_id}
    chosen: list[Assignment] = []
    for value in raw:
        a = by_id.get(value) or (
            by_sis.get(value.split(":", 1)[1]) if value.startswith("sis_assignment_id:") else None
        )
        if a is None:
            # unpublished, deleted or unknown (§4.10)
            raise errors.error("invalid assignment ids requested", 403)
        chosen.append(a)
    return chosen


def _requested_students(s: Store, course: Course, p: Params, section_id: int | None) -> list[int]:
    visible = s.students_of(course.id)
    if section_id is not None:
        in_section = {
            e.user_id
            for e in s.enrollments_in(course.id, current_only=False)
            if e.course_section_id == section_id
        }
        visible = [u for u in visible if u in in_section]
    user = current_user()
    raw = str_list(p.get("student_ids"))
    if not raw:
        return [user.id] if user.id in visible else []
    if "all" in raw:
        require(can_manage_course(user, course) or _observes_all(s, course, user.id))
        if can_manage_course(user, course):
            return visible
        return [u for u in visible if u in _observed(s, course, user.id)]
    if len(raw) > MAX_STUDENTS:
        raise errors.error("too many students")
    ids = sorted({find_user(value).id for value in raw})
    allowed = (
        set(visible)
        if can_manage_course(user, course)
        else ({user.id} | _observed(s, course, user.id)) & set(visible)
    )
    require(set(ids) <= allowed)
    return ids


def _observed(s: Store, course: Course, user_id: int) -> set[int]:
    return {
        e.associated_user_id
        for e in s.enrollments_in(course.id)
        if e.user_id == user_id and e.type == "ObserverEnrollment" and e.associated_user_id
    }


def _observes_all(s: Store, course: Course, user_id: int) -> bool:
    return bool(_observed(s, course, user_id))


def _filter(subs: list[Submission], p: Params) -> list[Submission]:
    state = opt_str(p, "workflow_state")
    if state:
        subs = [x for x in subs if x.workflow_state == state]
    since = parse_time(p.get("submitted_since"), "submitted_since")
    if since:
        subs = [x for x in subs if x.submitted_at and x.submitted_at >= since]
    graded = parse_time(p.get("graded_since"), "graded_since")
    if graded:
        subs = [x for x in subs if x.graded_at and x.graded_at >= graded]
    if opt_str(p, "order") == "graded_at":
        epoch = datetime.min.replace(tzinfo=UTC)
        subs.sort(key=lambda x: (x.graded_at or epoch, x.id))
    if opt_str(p, "order_direction") == "descending":
        subs.reverse()
    return subs


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
        assignments = _requested_assignments(s, course, p)
        students = _requested_students(s, course, p, sec_id)
        _placeholders(s, assignments, students)
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
    subs = _filter(subs, p)
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


def _student_row(course: Course, a: Assignment, raw_user: str) -> Submission:
    s = store()
    user = find_user(raw_user)
    if user.id not in s.students_of(course.id):
        raise errors.not_found()
    caller = current_user()
    require(
        can_manage_course(caller, course)
        or caller.id == user.id
        or user.id in _observed(s, course, caller.id)
    )
    return s.submission_for(a.id, user.id)


@bp.get("/courses/<course_id>/assignments/<assignment_id>/submissions")
def list_assignment_submissions(course_id: str, assignment_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    a = find_assignment(course, assignment_id)
    s = store()
    includes = set(str_list(params().get("include")))
    with s.lock:
        students = s.students_of(course.id)
        _placeholders(s, [a], students)
        subs = sorted(
            (
                x
                for x in s.submissions.values()
                if x.assignment_id == a.id and x.user_id in students
            ),
            key=lambda x: x.id,
        )
    return paginate(_filter(subs, params()), lambda x: submission_json(x, includes))


@bp.get("/courses/<course_id>/assignments/<assignment_id>/submissions/<user_id>")
def get_submission(course_id: str, assignment_id: str, user_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    a = find_assignment(course, assignment_id)
    includes = set(str_list(params().get("include")))
    return jsonify(submission_json(_student_row(course, a, user_id), includes))


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
    sub = _student_row(course, a, user_id)
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
