"""Enrollments (canvas-rest.md §4.4), including observers linked with ``associated_user_id``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import ENROLLMENT_TYPES, Course, Enrollment, Section
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    current_user,
    find_account,
    find_course,
    find_section,
    find_user,
    is_account_admin,
    require,
    require_account_admin,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.enrollment_json import base_role_id, enrollment_json
from ctom_lti.sandbox.rest.pagination import paginate_bookmarked
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.timestamps import now

bp = Blueprint("enrollments", __name__)

API_TYPES = tuple(t for t in ENROLLMENT_TYPES if t != "StudentViewEnrollment")
_BASE_ROLE_NAMES = {t: t for t in ENROLLMENT_TYPES}
_STATES = (
    "active",
    "invited",
    "creation_pending",
    "deleted",
    "rejected",
    "completed",
    "inactive",
)
_STATE_ALIASES = {
    "current_and_invited": {"active", "invited", "creation_pending"},
    "current_and_future": {"active", "invited", "creation_pending"},
    "current_and_concluded": {"active", "completed"},
}
_TASKS = {
    "conclude": "completed",
    "delete": "deleted",
    "inactivate": "inactive",
    "deactivate": "inactive",
}


def _default_state(course: Course, type_: str) -> str:
    """§4.4: invited in an available course; in an unpublished one students are
    creation_pending and everyone else invited."""
    if course.workflow_state == "available":
        return "invited"
    return "creation_pending" if type_ == "StudentEnrollment" else "invited"


# canvas-rest.md §4.4 (POST, idempotent on user/type/role/associated user/section)
@bp.post("/courses/<course_id>/enrollments")
@bp.post("/sections/<section_id>/enrollments")
def create_enrollment(course_id: str | None = None, section_id: str | None = None) -> Response:
    s = store()
    course, sec = _target(course_id, section_id)
    require_manage(course)
    fields = section(params(), "enrollment")
    if not fields:
        raise errors.message("No parameters given")
    raw_user = opt_str(fields, "user_id")
    if not raw_user:
        raise errors.message(
            "Can't create an enrollment without a user. Include enrollment[user_id] to create "
            "an enrollment"
        )
    user = find_user(raw_user)
    type_, role_id = _type_and_role(opt_str(fields, "type"), fields)
    if type_ not in API_TYPES:
        raise errors.message("Invalid type")
    if course.workflow_state in {"completed", "deleted"}:
        raise errors.message("Can't add an enrollment to a concluded course.")
    associated = None
    raw_assoc = opt_str(fields, "associated_user_id")
    if raw_assoc:
        if type_ != "ObserverEnrollment":
            raise errors.message("associated_user_id is only valid for observer enrollments")
        associated = find_user(raw_assoc).id
    state = opt_str(fields, "enrollment_state")
    if state and state not in {"active", "invited", "inactive"}:
        raise errors.message("Invalid enrollment_state")
    state = state or _default_state(course, type_)
    if sec is None and opt_str(fields, "course_section_id"):
        sec = find_section(str(fields["course_section_id"]), course)
    with s.lock:
        enrollment = s.enroll(
            user.id,
            course.id,
            type_,
            role_id=role_id,
            associated_user_id=associated,
            section_id=sec.id if sec else None,
            state=state,
        )
        if "limit_privileges_to_course_section" in fields:
            enrollment.limit_privileges_to_course_section = to_bool(
                fields["limit_privileges_to_course_section"]
            )
        if "start_at" in fields:
            enrollment.start_at = parse_time(fields["start_at"], "start_at")
        if "end_at" in fields:
            enrollment.end_at = parse_time(fields["end_at"], "end_at")
    return jsonify(enrollment_json(enrollment))


def _target(course_id: str | None, section_id: str | None) -> tuple[Course, Section | None]:
    if section_id is not None:
        sec = find_section(section_id)
        return store().courses[sec.course_id], sec
    return find_course(course_id or ""), None


def _type_and_role(type_: str | None, fields: Params) -> tuple[str, int | None]:
    """The enrollment type and custom role id; a role fixes the type to its base type (§4.4)."""
    raw_role = opt_str(fields, "role_id") or opt_str(fields, "role")
    if not raw_role:
        return type_ or "StudentEnrollment", None
    s = store()
    role = (
        s.roles.get(int(raw_role))
        if raw_role.isdigit()
        else next((r for r in s.roles.values() if r.label == raw_role), None)
    )
    if role is None:
        if raw_role.isdigit() and int(raw_role) == base_role_id(type_ or ""):
            return type_ or "StudentEnrollment", None  # the base role of the type, given by id
        raise errors.message("role_id is invalid")
    if type_ and type_ != role.base_role_type:
        raise errors.message("The specified type must match the base type for the role")
    return role.base_role_type, role.id


def _filter(enrollments: list[Enrollment]) -> list[Enrollment]:
    p = params()
    types = set(str_list(p.get("type")))
    if types:
        enrollments = [e for e in enrollments if e.type in types]
    roles = set(str_list(p.get("role")))
    if roles:
        s = store()
        enrollments = [
            e
            for e in enrollments
            if (s.roles[e.role_id].label if e.role_id in s.roles else e.type) in roles
        ]
    states: set[str] = set()
    for st in str_list(p.get("state")):
        states |= _STATE_ALIASES.get(st, {st} if st in _STATES else set())
    if not states:
        # Canvas's docs say "active and invited" when omitted; creation_pending is how invited
        # students of an unpublished course are stored, so it is listed too [I].
        states = {"active", "invited", "creation_pending"}
    enrollments = [e for e in enrollments if e.enrollment_state in states]
    user_filter = opt_str(p, "user_id")
    if user_filter:
        uid = find_user(user_filter).id
        enrollments = [e for e in enrollments if e.user_id == uid]
    return enrollments


def _order(e: Enrollment) -> tuple[str, str, int]:
    """Canvas lists enrollments by type, the user's sortable name, then id (enrollments_api_
    controller.rb index: the SimpleBookmarker on type, sortable_name and id)."""
    return (e.type, store().users[e.user_id].sortable_name.casefold(), e.id)


def _page(found: list[Enrollment]) -> Response:
    # Bookmarked, as Canvas: page=first, page=bookmark:…, no prev or last (pagination.py).
    return paginate_bookmarked(_filter(found), enrollment_json, key=_order)


# canvas-rest.md §4.4 (list with type[], role[], state[], user_id)
@bp.get("/courses/<course_id>/enrollments")
def list_course_enrollments(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    return _page(store().enrollments_in(course.id, current_only=False))


@bp.get("/sections/<section_id>/enrollments")
def list_section_enrollments(section_id: str) -> Response:
    sec = find_section(section_id)
    require_read(store().courses[sec.course_id])
    found = [
        e
        for e in store().enrollments_in(sec.course_id, current_only=False)
        if e.course_section_id == sec.id
    ]
    return _page(found)


@bp.get("/users/<user_id>/enrollments")
def list_user_enrollments(user_id: str) -> Response:
    user = find_user(user_id)
    caller = current_user()
    require(caller.id == user.id or is_account_admin(caller, store().root_account_id))
    found = [e for e in store().enrollments.values() if e.user_id == user.id]
    return _page(found)


@bp.get("/accounts/<account_id>/enrollments/<int:enrollment_id>")
def get_enrollment(account_id: str, enrollment_id: int) -> Response:
    account = find_account(account_id)
    require_account_admin(account)
    e = store().enrollments.get(enrollment_id)
    if e is None:
        raise errors.not_found()
    return jsonify(enrollment_json(e))


def _course_enrollment(course: Course, enrollment_id: int) -> Enrollment:
    e = store().enrollments.get(enrollment_id)
    if e is None or e.course_id != course.id:
        raise errors.not_found()
    return e


# canvas-rest.md §4.4 (DELETE with task)
@bp.delete("/courses/<course_id>/enrollments/<int:enrollment_id>")
def delete_enrollment(course_id: str, enrollment_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    e = _course_enrollment(course, enrollment_id)
    task = opt_str(params(), "task") or "conclude"
    if task not in _TASKS:
        raise errors.message(f"{task} is not a valid task")
    e.enrollment_state = _TASKS[task]
    e.updated_at = now()
    return jsonify(enrollment_json(e))


@bp.put("/courses/<course_id>/enrollments/<int:enrollment_id>/reactivate")
def reactivate_enrollment(course_id: str, enrollment_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    e = _course_enrollment(course, enrollment_id)
    if e.enrollment_state != "inactive":
        raise errors.message("Must be an inactive enrollment")
    e.enrollment_state = "active"
    e.updated_at = now()
    return jsonify(enrollment_json(e))
