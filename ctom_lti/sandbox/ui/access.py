"""Who the signed-in sandbox user is in a course, and the UI's own small guards.

The decisions (what someone may see or do) are pure functions of a :class:`CourseRole`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import request

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.platform.roles import is_course_admin
from ctom_lti.sandbox.platform.session import COOKIE_NAME, current_user
from ctom_lti.sandbox.platform.tools import Viewer
from ctom_lti.sandbox.store import Store, User

TYPE_LABELS = {
    "StudentEnrollment": "Student",
    "TeacherEnrollment": "Teacher",
    "TaEnrollment": "TA",
    "DesignerEnrollment": "Designer",
    "ObserverEnrollment": "Observer",
    "StudentViewEnrollment": "Test student",
}


class UiError(Exception):
    """A page-level refusal shown with the sandbox layout."""

    def __init__(self, title: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CourseRole:
    """The signed-in user's standing in one course."""

    types: tuple[str, ...]
    #: role labels to show (a custom role's name instead of its base type)
    labels: tuple[str, ...]
    account_admin: bool
    #: user ids this user observes in the course
    observees: tuple[int, ...] = ()

    @property
    def member(self) -> bool:
        return bool(self.types)

    @property
    def can_view(self) -> bool:
        return self.member or self.account_admin

    @property
    def can_grade(self) -> bool:
        return self.account_admin or bool({"TeacherEnrollment", "TaEnrollment"} & set(self.types))

    @property
    def can_manage(self) -> bool:
        """Teachers, TAs, designers and admins see unpublished content and add tool content."""
        return self.account_admin or is_course_admin(self.types)

    @property
    def is_student(self) -> bool:
        return bool({"StudentEnrollment", "StudentViewEnrollment"} & set(self.types))

    def viewer(self) -> Viewer:
        return Viewer(signed_in=True, member=self.member, admin=self.can_manage)


def course_role(store: Store, user: User, course: Course) -> CourseRole:
    current = [e for e in store.enrollments_in(course.id) if e.user_id == user.id]
    labels = []
    for e in current:
        role = store.roles.get(e.role_id) if e.role_id is not None else None
        labels.append(role.label if role else TYPE_LABELS.get(e.type, e.type))
    return CourseRole(
        types=tuple(e.type for e in current),
        labels=tuple(dict.fromkeys(labels)),
        account_admin=administers(store, user, course.account_id),
        observees=tuple(
            sorted(
                {
                    e.associated_user_id
                    for e in current
                    if e.type == "ObserverEnrollment" and e.associated_user_id is not None
                }
            )
        ),
    )


def administers(store: Store, user: User, account_id: int) -> bool:
    """Account admin of ``account_id`` or of an account above it."""
    acct = store.accounts.get(account_id)
    while acct is not None:
        if acct.id in user.admin_of:
            return True
        acct = store.accounts.get(acct.parent_account_id) if acct.parent_account_id else None
    return user.site_admin


def require_user(store: Store) -> User:
    user = current_user(store)
    if user is None:
        raise UiError("Please sign in", "Pick who you are on the start page first.", 401)
    return user


def require_course(store: Store, course_id: int, user: User) -> tuple[Course, CourseRole]:
    course = store.courses.get(course_id)
    if course is None or course.workflow_state == "deleted":
        raise UiError("Course not found", f"There is no course {course_id}.", 404)
    role = course_role(store, user, course)
    if not role.can_view:
        raise UiError(
            "Not enrolled",
            f"{user.name} is not enrolled in {course.name}. Sign in as someone who is.",
            403,
        )
    return course, role


def csrf_token() -> str:
    """Bound to the session cookie, so a page of another site cannot post in the user's name."""
    session = request.cookies.get(COOKIE_NAME, "")
    secret = current_sandbox().secret.encode()
    return hmac.new(secret, f"ui-csrf:{session}".encode(), hashlib.sha256).hexdigest()


def check_csrf() -> None:
    # Bytes: ``compare_digest`` raises on text with non-ASCII characters, which anyone can send.
    sent = request.form.get("csrf_token", "").encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(sent, csrf_token().encode()):
        raise UiError("The form expired", "Go back, reload the page and try again.", 400)
