"""Courses (canvas-rest.md §4.1)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.auth import (
    current_user,
    find_account,
    find_course,
    require_account_admin,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_bool,
    opt_int,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.render import host
from ctom_lti.sandbox.store import Course, User, iso

bp = Blueprint("courses", __name__)

DEFAULT_VIEWS = ("feed", "wiki", "modules", "syllabus", "assignments")
EVENTS = ("claim", "offer", "conclude", "delete", "undelete")


def default_course_code(name: str) -> str:
    """First word plus the first later word with a digit ("Cohort 2025 Spring" → "Cohort 2025")."""
    words = name.split()
    if not words:
        return name
    with_digit = next((w for w in words[1:] if any(c.isdigit() for c in w)), None)
    return f"{words[0]} {with_digit}" if with_digit else words[0]


def course_json(
    course: Course, includes: set[str] | None = None, *, viewer: User | None = None
) -> dict[str, Any]:
    """Course JSON as the edulinq-real capture shows it (§4.1); caller has SIS read rights.

    ``viewer``: where Canvas shows a course to someone (``GET /courses/:id``, ``/courses``,
    ``/users/:id/courses``) it carries that person's own ``enrollments`` in it, ``[]`` for an
    admin with none (lib/api/v1/course_json.rb; recorded from a live instance).
    """
    includes = includes or set()
    s = store()
    data: dict[str, Any] = {
        "id": course.id,
        "name": course.name,
        "account_id": course.account_id,
        "uuid": course.uuid,
        "start_at": iso(course.start_at),
        "grading_standard_id": None,
        "is_public": course.is_public,
        "created_at": iso(course.created_at),
        "course_code": course.course_code,
        "default_view": course.default_view,
        "root_account_id": course.root_account_id,
        "enrollment_term_id": course.term_id or 1,
        "license": "private",
        "grade_passback_setting": None,
        "end_at": iso(course.end_at),
        "public_syllabus": False,
        "public_syllabus_to_auth": False,
        "storage_quota_mb": 500,
        "is_public_to_auth_users": False,
        "homeroom_course": False,
        "course_color": None,
        "friendly_name": None,
        "apply_assignment_group_weights": course.apply_assignment_group_weights,
        "calendar": {"ics": f"{host()}/feeds/calendars/course_{course.uuid}.ics"},
        "time_zone": course.time_zone,
        "blueprint": False,
        "template": False,
        "sis_course_id": course.sis_course_id,
        "integration_id": course.integration_id,
        "sis_import_id": None,
        "hide_final_grades": course.hide_final_grades,
        "workflow_state": course.workflow_state,
        "restrict_enrollments_to_course_dates": course.restrict_enrollments_to_course_dates,
    }
    if "syllabus_body" in includes:
        data["syllabus_body"] = course.syllabus_body
    if "total_students" in includes:
        data["total_students"] = len(s.students_of(course.id))
    if "term" in includes:
        data["term"] = {
            "id": course.term_id or 1,
            "name": "Default Term",
            "start_at": None,
            "end_at": None,
            "created_at": iso(course.created_at),
            "workflow_state": "active",
            "grading_period_group_id": None,
        }
    if viewer is not None:
        data["enrollments"] = own_enrollments(course, viewer)
    if "sections" in includes:
        data["sections"] = [
            {
                "id": x.id,
                "name": x.name,
                "start_at": iso(x.start_at),
                "end_at": iso(x.end_at),
                "enrollment_role": None,
            }
            for x in sorted(s.sections.values(), key=lambda x: x.id)
            if x.course_id == course.id
        ]
    return data


_SHORT_TYPES = {
    "StudentEnrollment": "student",
    "TeacherEnrollment": "teacher",
    "TaEnrollment": "ta",
    "DesignerEnrollment": "designer",
    "ObserverEnrollment": "observer",
    "StudentViewEnrollment": "student",
}


def own_enrollments(course: Course, user: User) -> list[dict[str, Any]]:
    """The short enrollment entries a course carries for its viewer (Course object docs)."""
    from ctom_lti.sandbox.rest.enrollments import BUILT_IN_ROLE_IDS

    s = store()
    out = []
    for e in sorted(s.enrollments_in(course.id, current_only=False), key=lambda e: e.id):
        if e.user_id != user.id or e.enrollment_state in {"deleted", "rejected", "completed"}:
            continue
        role = s.roles.get(e.role_id) if e.role_id is not None else None
        entry: dict[str, Any] = {
            "type": _SHORT_TYPES.get(e.type, e.type),
            "role": role.label if role else e.type,
            "role_id": role.id if role else BUILT_IN_ROLE_IDS.get(e.type, 0),
            "user_id": user.id,
            "enrollment_state": e.enrollment_state,
            "limit_privileges_to_course_section": e.limit_privileges_to_course_section,
        }
        if e.associated_user_id is not None:
            entry["associated_user_id"] = e.associated_user_id
        out.append(entry)
    return out


def _includes(p: Params) -> set[str]:
    return set(str_list(p.get("include")))


def _apply_fields(course: Course, fields: Params) -> None:
    """The ``course[...]`` fields shared by create and update (§4.1)."""
    if "name" in fields:
        name = opt_str(fields, "name") or ""
        if not name.strip():
            raise errors.model_errors({"name": ["Name can't be blank"]})
        if len(name) > 255:
            raise errors.model_errors({"name": ["Name is too long (maximum is 255 characters)"]})
        course.name = name
    if "course_code" in fields:
        course.course_code = opt_str(fields, "course_code") or course.course_code
    _apply_dates(course, fields)
    _apply_settings(course, fields)


def _apply_dates(course: Course, fields: Params) -> None:
    if "restrict_enrollments_to_course_dates" in fields:
        course.restrict_enrollments_to_course_dates = to_bool(
            fields["restrict_enrollments_to_course_dates"]
        )
    # start_at / end_at (alias conclude_at) only count with restricted enrollment dates (§4.1)
    end_key = "end_at" if "end_at" in fields else "conclude_at"
    if course.restrict_enrollments_to_course_dates:
        if "start_at" in fields:
            course.start_at = parse_time(fields["start_at"], "start_at")
        if end_key in fields:
            course.end_at = parse_time(fields[end_key], "end_at")
    else:
        for key in ("start_at", end_key):
            if key in fields:
                parse_time(fields[key], key)  # still validated


def _apply_settings(course: Course, fields: Params) -> None:
    if "default_view" in fields:
        view = opt_str(fields, "default_view")
        if view not in DEFAULT_VIEWS:
            raise errors.model_errors(
                {"default_view": [f"Home page must be one of: {', '.join(DEFAULT_VIEWS)}"]}
            )
        course.default_view = view
    for key in ("is_public", "apply_assignment_group_weights", "hide_final_grades"):
        if key in fields:
            setattr(course, key, to_bool(fields[key]))
    if "syllabus_body" in fields:
        course.syllabus_body = opt_str(fields, "syllabus_body")
    if "time_zone" in fields:
        course.time_zone = opt_str(fields, "time_zone") or course.time_zone
    if "integration_id" in fields:
        course.integration_id = opt_str(fields, "integration_id") or None
    term = opt_int(fields, "term_id", "course[term_id]") or opt_int(
        fields, "enrollment_term_id", "course[enrollment_term_id]"
    )
    if term is not None:
        course.term_id = term


def _check_sis_unique(sis: str, course: Course | None) -> Course | None:
    """Another course (deleted ones included) holding ``sis``; None when it is free."""
    for other in store().courses.values():
        if other is not course and other.sis_course_id == sis:
            return other
    return None


def _sis_in_use(sis: str) -> errors.ApiError:
    # course.rb verify_unique_ids: the error is added with a string, so type == message
    return errors.model_errors({"sis_source_id": [f'SIS ID "{sis}" is already in use']})


# canvas-rest.md §4.1 (create in account)
@bp.post("/accounts/<account_id>/courses")
def create_course(account_id: str) -> Response:
    account = find_account(account_id)
    require_account_admin(account)
    p = params()
    fields = section(p, "course")
    s = store()
    target = account
    if fields.get("account_id"):
        target = find_account(str(fields["account_id"]))
        require_account_admin(target)
    with s.lock:
        sis = opt_str(fields, "sis_course_id") or None
        if sis:
            holder = _check_sis_unique(sis, None)
            if holder is not None:
                if holder.workflow_state == "deleted" and to_bool(
                    p.get("enable_sis_reactivation", False)
                ):
                    holder.workflow_state = "unpublished"
                    _apply_fields(holder, fields)
                    return jsonify(course_json(holder, _includes(p)))
                raise _sis_in_use(sis)
        name = opt_str(fields, "name") or "Unnamed Course"
        probe = Course(0, target.id, target.root_account_id, name, default_course_code(name))
        _apply_fields(probe, fields)  # validate before anything is stored
        course = s.add_course(
            probe.name,
            account_id=target.id,
            course_code=probe.course_code,
            sis_course_id=sis,
            workflow_state="available" if to_bool(p.get("offer", False)) else "unpublished",
        )
        _apply_fields(course, fields)
        if to_bool(p.get("enroll_me", False)):
            s.enroll(current_user().id, course.id, "TeacherEnrollment", state="active")
    return jsonify(course_json(course, _includes(p)))


# canvas-rest.md §4.1 (list account courses)
@bp.get("/accounts/<account_id>/courses")
def list_account_courses(account_id: str) -> Response:
    from ctom_lti.sandbox.rest.auth import account_chain

    account = find_account(account_id)
    require_account_admin(account)
    p = params()
    s = store()
    term = opt_str(p, "search_term")
    check_search_term(term)
    states = set(str_list(p.get("state")))
    courses = [
        c
        for c in sorted(s.courses.values(), key=lambda c: c.id)
        if account.id in account_chain(s, c.account_id)
    ]
    if states and "all" not in states:
        # created/claimed are the internal states behind the API's "unpublished"
        api_states = {"unpublished" if x in {"created", "claimed"} else x for x in states}
        courses = [c for c in courses if c.workflow_state in api_states]
    else:
        courses = [c for c in courses if c.workflow_state != "deleted" or "all" in states]
    if term:
        t = term.lower()
        courses = [
            c
            for c in courses
            if t in c.name.lower()
            or t in c.course_code.lower()
            or (c.sis_course_id and t in c.sis_course_id.lower())
        ]
    published = opt_bool(p, "published")
    if published is not None:
        courses = [c for c in courses if (c.workflow_state == "available") == published]
    term_id = opt_int(p, "enrollment_term_id")
    if term_id is not None:
        courses = [c for c in courses if (c.term_id or 1) == term_id]
    includes = _includes(p)
    return paginate(courses, lambda c: course_json(c, includes))


# canvas-rest.md §4.1 (GET by id or sis_course_id:)
@bp.get("/courses/<course_id>")
def get_course(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    return jsonify(course_json(course, _includes(params()), viewer=current_user()))


def _apply_event(course: Course, event: str) -> None:
    s = store()
    if event not in EVENTS:
        raise errors.model_errors({"event": [f"event must be one of: {', '.join(EVENTS)}"]})
    if event == "offer":
        course.workflow_state = "available"
    elif event == "claim":
        graded = any(
            sub.workflow_state == "graded"
            for a in s.assignments.values()
            if a.course_id == course.id
            for sub in s.submissions.values()
            if sub.assignment_id == a.id
        )
        if graded:
            # canvas-rest.md §4.1: refused once graded submissions exist [I exact text]
            raise errors.model_errors(
                {"workflow_state": ["Can't unpublish if there are student submissions"]}
            )
        course.workflow_state = "unpublished"
    elif event == "conclude":
        course.workflow_state = "completed"
    elif event == "delete":
        course.workflow_state = "deleted"
    elif event == "undelete":
        course.workflow_state = "unpublished"


# canvas-rest.md §4.1 (update incl. event=offer)
@bp.put("/courses/<course_id>")
def update_course(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    fields = section(p, "course")
    s = store()
    with s.lock:
        if "sis_course_id" in fields:
            sis = opt_str(fields, "sis_course_id") or None
            if sis and _check_sis_unique(sis, course) is not None:
                raise _sis_in_use(sis)
            course.sis_course_id = sis
        _apply_fields(course, fields)
        event = opt_str(fields, "event")
        if event:
            _apply_event(course, event)
        if to_bool(p.get("offer", False)):
            course.workflow_state = "available"
    return jsonify(course_json(course, _includes(p)))


# canvas-rest.md §4.1 (DELETE with event=delete|conclude)
@bp.delete("/courses/<course_id>")
def delete_course(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    event = opt_str(params(), "event")
    if event not in {"delete", "conclude"}:
        raise errors.message('Only "delete" and "conclude" events are allowed.')
    course.workflow_state = "deleted" if event == "delete" else "completed"
    return jsonify({event: True})
