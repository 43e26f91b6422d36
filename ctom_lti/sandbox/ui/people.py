""" "Pick who you are": the sandbox's sign-in, by person and role."""

from __future__ import annotations

from dataclasses import dataclass

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.platform.session import sign_in, sign_out
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.ui.access import TYPE_LABELS, UiError, check_csrf
from ctom_lti.sandbox.ui.blueprint import bp, page


@dataclass(frozen=True)
class Person:
    user: User
    #: e.g. "Teacher in CTO Mentor Cohort 12"
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    title: str
    people: tuple[Person, ...]


#: The groups shown on the start page, in order, with the enrollment types that put someone there.
_GROUPS = (
    ("Administrators", ()),
    ("Instructors", ("TeacherEnrollment", "TaEnrollment", "DesignerEnrollment")),
    ("Candidates (students)", ("StudentEnrollment", "StudentViewEnrollment")),
    ("Mentors (observers)", ("ObserverEnrollment",)),
)


def group_people(store: Store) -> list[Group]:
    """Everyone, in the first group that fits them; people with no role at all come last."""
    with store.lock:
        enrollments = [e for e in store.enrollments.values() if e.is_current]
        users = sorted(store.users.values(), key=lambda u: (u.sortable_name.lower(), u.id))
        courses = dict(store.courses)
        roles = dict(store.roles)
    placed: set[int] = set()
    groups: list[Group] = []
    for title, types in _GROUPS:
        people = []
        for user in users:
            if user.id in placed:
                continue
            mine = [e for e in enrollments if e.user_id == user.id]
            fits = bool(user.admin_of) if not types else any(e.type in types for e in mine)
            if not fits:
                continue
            placed.add(user.id)
            described = []
            if user.admin_of:
                described.append("Account admin")
            for e in mine:
                label = roles[e.role_id].label if e.role_id in roles else TYPE_LABELS[e.type]
                course = courses.get(e.course_id)
                described.append(f"{label} in {course.name}" if course else label)
            people.append(Person(user, tuple(dict.fromkeys(described))))
        groups.append(Group(title, tuple(people)))
    rest = tuple(Person(u, ()) for u in users if u.id not in placed)
    if rest:
        groups.append(Group("Other people", rest))
    return [g for g in groups if g.people]


@bp.get("/")
def start() -> Response:
    return page("sandbox_ui/start.html", groups=group_people(current_sandbox().store))


@bp.post("/login")
def login() -> Response:
    check_csrf()
    store = current_sandbox().store
    try:
        user_id = int(request.form.get("user_id", ""))
    except ValueError:
        user_id = 0
    if user_id not in store.users:
        raise UiError("Unknown person", "Pick someone from the list on the start page.", 404)
    response = redirect(url_for("sandbox_ui.courses"), code=303)
    return sign_in(response, user_id)


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    response = redirect(url_for("sandbox_ui.start"), code=303)
    return sign_out(response)
