"""Courses (canvas-rest.md §4.1)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import Course
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
from ctom_lti.sandbox.rest.course_changes import (
    apply_event,
    apply_fields,
    default_course_code,
    find_sis_holder,
    sis_in_use,
)
from ctom_lti.sandbox.rest.course_json import course_json
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_bool,
    opt_int,
    opt_str,
    params,
    section,
    str_list,
    to_bool,
)

bp = Blueprint("courses", __name__)


def _includes(p: Params) -> set[str]:
    return set(str_list(p.get("include")))


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
            holder = find_sis_holder(sis, None)
            if holder is not None:
                if holder.workflow_state == "deleted" and to_bool(
                    p.get("enable_sis_reactivation", False)
                ):
                    holder.workflow_state = "unpublished"
                    apply_fields(holder, fields)
                    return jsonify(course_json(holder, _includes(p)))
                raise sis_in_use(sis)
        name = opt_str(fields, "name") or "Unnamed Course"
        probe = Course(0, target.id, target.root_account_id, name, default_course_code(name))
        apply_fields(probe, fields)  # validate before anything is stored
        course = s.add_course(
            probe.name,
            account_id=target.id,
            course_code=probe.course_code,
            sis_course_id=sis,
            workflow_state="available" if to_bool(p.get("offer", False)) else "unpublished",
        )
        apply_fields(course, fields)
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
            if sis and find_sis_holder(sis, course) is not None:
                raise sis_in_use(sis)
            course.sis_course_id = sis
        apply_fields(course, fields)
        event = opt_str(fields, "event")
        if event:
            apply_event(course, event)
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
