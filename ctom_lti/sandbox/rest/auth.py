"""Who is calling and what they may do (canvas-rest.md §1.1), and id / SIS id lookups (§2).

Permissions are a small stand-in for Canvas's: account admins (of the account or one above it)
may do everything in it; teachers, TAs and designers manage their courses; anyone enrolled may
read their course.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, request

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.course_records import Account, Course, Section
from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.store import Store, User

_MANAGING_TYPES = {"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"}


def store() -> Store:
    return current_sandbox().store


def request_token() -> str | None:
    """``Authorization: Bearer X`` (the scheme word exactly), else the ``access_token`` param."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip() or None
    value = request.args.get("access_token") or request.form.get("access_token")
    return value or None


def authenticate() -> None:
    """``before_request`` of the API: every endpoint needs a user."""
    token = request_token()
    if token is None:
        raise errors.unauthenticated()
    user = store().user_for_token(token)
    if user is None:
        raise errors.invalid_token()
    g.api_user = user


def current_user() -> User:
    user: User = g.api_user
    return user


# --- permissions --------------------------------------------------------------------------------


def account_chain(s: Store, account_id: int) -> list[int]:
    chain: list[int] = []
    acct: Account | None = s.accounts.get(account_id)
    while acct is not None and acct.id not in chain:
        chain.append(acct.id)
        acct = s.accounts.get(acct.parent_account_id) if acct.parent_account_id else None
    return chain


def is_account_admin(user: User, account_id: int) -> bool:
    return user.site_admin or bool(user.admin_of.intersection(account_chain(store(), account_id)))


def can_manage_course(user: User, course: Course) -> bool:
    if is_account_admin(user, course.account_id):
        return True
    return any(
        e.user_id == user.id and e.type in _MANAGING_TYPES and e.is_current
        for e in store().enrollments_in(course.id)
    )


def can_read_course(user: User, course: Course) -> bool:
    return can_manage_course(user, course) or any(
        e.user_id == user.id for e in store().enrollments_in(course.id)
    )


def require(allowed: bool) -> None:
    if not allowed:
        raise errors.unauthorized()


def require_account_admin(account: Account) -> None:
    require(is_account_admin(current_user(), account.id))


def require_manage(course: Course) -> None:
    require(can_manage_course(current_user(), course))


def require_read(course: Course) -> None:
    require(can_read_course(current_user(), course))


# --- lookups (canvas-rest.md §2) ----------------------------------------------------------------


def _split_sis(raw: str) -> tuple[str | None, str]:
    """``sis_course_id:X`` → ("sis_course_id", "X"); a plain id → (None, raw)."""
    if raw.startswith("hex:"):
        # legacy form: hex:sis_course_id:<hex of the value>
        kind, _, hexed = raw[4:].partition(":")
        try:
            return kind, bytes.fromhex(hexed).decode()
        except ValueError:
            raise errors.not_found() from None
    kind, sep, value = raw.partition(":")
    if sep:
        return kind, value
    return None, raw


def _as_int(raw: str) -> int:
    if not raw.isdigit():
        raise errors.not_found()
    return int(raw)


def find_account(raw: str) -> Account:
    s = store()
    kind, value = _split_sis(raw)
    if kind is None and value in {"self", "default"}:
        return s.accounts[s.root_account_id]
    if kind == "sis_account_id":
        for acct in s.accounts.values():
            if acct.sis_account_id == value:
                return acct
        raise errors.not_found()
    if kind is not None:
        raise errors.not_found()
    found = s.accounts.get(_as_int(value))
    if found is None:
        raise errors.not_found()
    return found


def find_course(raw: str) -> Course:
    s = store()
    kind, value = _split_sis(raw)
    course: Course | None = None
    if kind is None:
        course = s.courses.get(_as_int(value))
    elif kind in {"sis_course_id", "sis_integration_id", "uuid", "lti_context_id"}:
        for c in s.courses.values():
            if c.workflow_state == "deleted":
                continue
            if (
                (kind == "sis_course_id" and c.sis_course_id == value)
                or (kind == "sis_integration_id" and c.integration_id == value)
                or (kind == "uuid" and c.uuid == value)
                or (kind == "lti_context_id" and s.opaque_id(f"course_{c.id}") == value)
            ):
                course = c
                break
    if course is None or course.workflow_state == "deleted":
        raise errors.not_found()
    return course


def find_user(raw: str) -> User:
    s = store()
    kind, value = _split_sis(raw)
    if kind is None and value == "self":
        return current_user()
    user: User | None = None
    if kind is None:
        user = s.users.get(_as_int(value))
    elif kind == "sis_user_id":
        user = next((u for u in s.users.values() if u.sis_user_id == value), None)
    elif kind == "sis_login_id":
        # login ids compare case-insensitively (§2)
        user = next((u for u in s.users.values() if u.login_id.lower() == value.lower()), None)
    elif kind == "sis_integration_id":
        user = next((u for u in s.users.values() if u.integration_id == value), None)
    elif kind in _LTI_USER_IDS:
        # lib/api.rb SIS_MAPPINGS["users"]: lti_1_3_id → users.lti_id (the LTI 1.3 ``sub``),
        # lti_user_id / lti_1_1_id / lti_context_id → users.lti_context_id (the 40-hex LTI 1.1
        # id), uuid → users.uuid; none of them is scoped to an account.
        user = next((u for u in s.users.values() if _LTI_USER_IDS[kind](s, u) == value), None)
    if user is None:
        raise errors.not_found()
    return user


_LTI_USER_IDS: dict[str, Callable[[Store, User], str]] = {
    "lti_1_3_id": lambda _s, u: u.lti_id,
    "lti_user_id": lambda s, u: s.opaque_id(f"user_{u.id}"),
    "lti_1_1_id": lambda s, u: s.opaque_id(f"user_{u.id}"),
    "lti_context_id": lambda s, u: s.opaque_id(f"user_{u.id}"),
    "uuid": lambda s, u: s.opaque_id(f"user_uuid_{u.id}"),
}


def find_section(raw: str, course: Course | None = None) -> Section:
    s = store()
    kind, value = _split_sis(raw)
    section: Section | None = None
    if kind is None:
        section = s.sections.get(_as_int(value))
    elif kind == "sis_section_id":
        section = next((x for x in s.sections.values() if x.sis_section_id == value), None)
    if section is None or (course is not None and section.course_id != course.id):
        raise errors.not_found()
    if s.courses[section.course_id].workflow_state == "deleted":
        raise errors.not_found()
    return section


def find_assignment(course: Course, raw: str) -> Assignment:
    s = store()
    kind, value = _split_sis(raw)
    found: Assignment | None = None
    if kind is None:
        found = s.assignments.get(_as_int(value))
    elif kind == "sis_assignment_id":
        found = next(
            (
                a
                for a in s.assignments.values()
                if a.course_id == course.id
                and a.sis_assignment_id == value
                and a.workflow_state != "deleted"
            ),
            None,
        )
    if found is None or found.course_id != course.id or found.workflow_state == "deleted":
        raise errors.not_found()
    return found
