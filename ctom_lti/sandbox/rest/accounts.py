"""Accounts and users (canvas-rest.md §2, §4.2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import Account
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    current_user,
    find_account,
    find_course,
    find_user,
    is_account_admin,
    require,
    require_account_admin,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.course_json import course_json
from ctom_lti.sandbox.rest.enrollment_json import enrollment_json
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import opt_str, params, section, str_list, to_bool
from ctom_lti.sandbox.rest.render import user_json
from ctom_lti.sandbox.store import User

bp = Blueprint("accounts", __name__)

_ENROLLMENT_TYPE_NAMES = {
    "student": "StudentEnrollment",
    "teacher": "TeacherEnrollment",
    "ta": "TaEnrollment",
    "observer": "ObserverEnrollment",
    "designer": "DesignerEnrollment",
}


def account_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "workflow_state": "active",
        "parent_account_id": account.parent_account_id,
        "root_account_id": None if account.parent_account_id is None else account.root_account_id,
        "uuid": store().opaque_id(f"account_uuid_{account.id}"),
        "default_storage_quota_mb": 500,
        "default_user_storage_quota_mb": 50,
        "default_group_storage_quota_mb": 50,
        "default_time_zone": "America/Los_Angeles",
        "sis_account_id": account.sis_account_id,
        "integration_id": None,
        "sis_import_id": None,
        "lti_guid": account.lti_guid,
    }


# canvas-rest.md §2 (accounts `self`, `sis_account_id:`)
@bp.get("/accounts")
def list_accounts() -> Response:
    user = current_user()
    accounts = sorted(
        (a for a in store().accounts.values() if is_account_admin(user, a.id)), key=lambda a: a.id
    )
    return paginate(accounts, account_json)


@bp.get("/accounts/<account_id>")
def get_account(account_id: str) -> Response:
    account = find_account(account_id)
    require_account_admin(account)
    return jsonify(account_json(account))


def search_matches(user: User, term: str) -> bool:
    """canvas-rest.md §4.2: name, login id, SIS id, integration id, email (admins)."""
    t = term.lower()
    fields = (user.name, user.login_id, user.sis_user_id, user.integration_id, user.email)
    return any(f and t in f.lower() for f in fields) or (term.isdigit() and user.id == int(term))


def check_search_term(term: str | None) -> None:
    # The minimum length is Canvas's; the body is the Api::Errors shape [I exact text].
    if term is not None and len(term) < 2:
        raise errors.ApiError(
            400,
            {
                "errors": [
                    {
                        "field": "search_term",
                        "message": "2 or more characters is required",
                        "error_code": "invalid",
                    }
                ]
            },
        )


# canvas-rest.md §4.2 (paginated without rel="last")
@bp.get("/accounts/<account_id>/users")
def list_account_users(account_id: str) -> Response:
    account = find_account(account_id)
    require_account_admin(account)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    s = store()
    users = list(s.users.values())
    if term:
        users = [u for u in users if search_matches(u, term)]
    etype = opt_str(p, "enrollment_type")
    if etype:
        wanted = _ENROLLMENT_TYPE_NAMES.get(etype, etype)
        enrolled = {
            e.user_id
            for e in s.enrollments.values()
            if e.type == wanted and e.enrollment_state != "deleted"
        }
        users = [u for u in users if u.id in enrolled]
    sort = opt_str(p, "sort") or "username"
    keys = {
        "username": lambda u: (u.sortable_name.lower(), u.id),
        "email": lambda u: ((u.email or "").lower(), u.id),
        "sis_id": lambda u: (u.sis_user_id or "", u.id),
        "integration_id": lambda u: (u.integration_id or "", u.id),
        "id": lambda u: (u.id,),
        "last_login": lambda u: (u.id,),
    }
    users.sort(key=keys.get(sort, keys["username"]))
    if opt_str(p, "order") == "desc":
        users.reverse()
    include_email = "email" in str_list(p.get("include"))
    return paginate(users, lambda u: user_json(u, include_email=include_email), with_last=False)


# canvas-rest.md §4.2 (create user; duplicate SIS id → 400)
@bp.post("/accounts/<account_id>/users")
def create_user(account_id: str) -> Response:
    account = find_account(account_id)
    require_account_admin(account)
    p = params()
    user_p = section(p, "user")
    pseudonym = section(p, "pseudonym")
    channel = section(p, "communication_channel")
    unique_id = opt_str(pseudonym, "unique_id")
    if not unique_id:
        raise errors.model_errors({"unique_id": ["can't be blank"]})
    s = store()
    with s.lock:
        problems: dict[str, list[str]] = {}
        if any(u.login_id.lower() == unique_id.lower() for u in s.users.values()):
            problems["unique_id"] = [
                "ID already in use for this account and authentication provider"
            ]
        sis = opt_str(pseudonym, "sis_user_id")
        if sis and any(u.sis_user_id == sis for u in s.users.values()):
            problems["sis_user_id"] = [f'SIS ID "{sis}" is already in use']
        if problems:
            raise errors.model_errors(problems)
        name = opt_str(user_p, "name") or unique_id
        email = opt_str(channel, "address") or (unique_id if "@" in unique_id else None)
        user = s.add_user(name, unique_id, email=email, sis_user_id=sis)
        user.integration_id = opt_str(pseudonym, "integration_id")
        if opt_str(user_p, "short_name"):
            user.short_name = str(user_p["short_name"])
        if opt_str(user_p, "sortable_name"):
            user.sortable_name = str(user_p["sortable_name"])
    return jsonify(user_json(user, include_email=True))


# canvas-rest.md §2 (users `self`, `sis_user_id:`, `sis_login_id:`)
@bp.get("/users/<user_id>")
def get_user(user_id: str) -> Response:
    user = find_user(user_id)
    caller = current_user()
    require(caller.id == user.id or is_account_admin(caller, store().root_account_id))
    return jsonify(user_json(user, include_email=True))


# canvas-rest.md §4.2 (course users; canvasapi uses search_users). Canvas source:
# app/controllers/courses_controller.rb ``users``: ``includes = Array(params[:include])
# .push("sis_user_id", "email")`` (both always sent), ``user_ids`` may be a comma-separated
# string (``user_ids.split(",") if user_ids.is_a?(String)``), and ``Api.paginate(…,
# { total_entries: nil })`` — so no rel="last".
@bp.get("/courses/<course_id>/users")
@bp.get("/courses/<course_id>/search_users")
def list_course_users(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    s = store()
    enrollments = [
        e
        for e in s.enrollments_in(course.id, current_only=False)
        if e.enrollment_state not in {"deleted", "rejected", "completed", "inactive"}
    ]
    types = {_ENROLLMENT_TYPE_NAMES.get(t, t) for t in str_list(p.get("enrollment_type"))}
    if types:
        enrollments = [e for e in enrollments if e.type in types]
    by_user: dict[int, list[Any]] = {}
    for e in sorted(enrollments, key=lambda e: e.id):
        by_user.setdefault(e.user_id, []).append(e)
    users = [s.users[uid] for uid in by_user]
    wanted_ids = {i.strip() for raw in str_list(p.get("user_ids")) for i in raw.split(",")}
    if wanted_ids - {""}:
        users = [u for u in users if str(u.id) in wanted_ids]
    if term:
        users = [u for u in users if search_matches(u, term)]
    users.sort(key=lambda u: (u.sortable_name.lower(), u.id))
    includes = set(str_list(p.get("include")))

    def render(user: User) -> dict[str, Any]:
        # Someone only invited so far has not accepted: Canvas shows no login id or email for
        # them (recorded from a live instance).
        invited_only = all(e.enrollment_state == "invited" for e in by_user[user.id])
        data = user_json(user, include_email=True, asked=includes, personal=not invited_only)
        if "enrollments" in includes:
            data["enrollments"] = [enrollment_json(e, with_user=False) for e in by_user[user.id]]
        return data

    return paginate(users, render, with_last=False)


@bp.get("/users/<user_id>/courses")
def list_user_courses(user_id: str) -> Response:
    user = find_user(user_id)
    caller = current_user()
    require(caller.id == user.id or is_account_admin(caller, store().root_account_id))
    return paginate(_courses_of(user), lambda c: course_json(c, viewer=user))


@bp.get("/courses")
def list_my_courses() -> Response:
    p = params()
    courses = _courses_of(current_user())
    state = set(str_list(p.get("state")))
    if state:
        courses = [c for c in courses if c.workflow_state in state]
    if "published" in p:
        want = to_bool(p["published"])
        courses = [c for c in courses if (c.workflow_state == "available") == want]
    caller = current_user()
    return paginate(courses, lambda c: course_json(c, viewer=caller))


def _courses_of(user: User) -> list[Any]:
    s = store()
    ids = {
        e.course_id
        for e in s.enrollments.values()
        if e.user_id == user.id and e.enrollment_state not in {"deleted", "rejected"}
    }
    return [s.courses[cid] for cid in sorted(ids) if s.courses[cid].workflow_state != "deleted"]
