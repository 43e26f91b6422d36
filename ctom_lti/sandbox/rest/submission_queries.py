"""Which submissions a read asks for, and which of them the caller may see (canvas-rest.md §4.10):
the assignments and students requested, Canvas's placeholder rows, and the read's filters."""

from __future__ import annotations

from datetime import UTC, datetime

from ctom_lti.sandbox import content
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Assignment, Submission
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import can_manage_course, current_user, find_user, require, store
from ctom_lti.sandbox.rest.params import Params, opt_str, parse_time, str_list
from ctom_lti.sandbox.store import Store

MAX_STUDENTS = 100


def placeholders(s: Store, assignments: list[Assignment], students: list[int]) -> None:
    """Canvas keeps a row per student x published assignment from the start (§4.10)."""
    for a in sorted(assignments, key=lambda x: x.id):
        for uid in students:
            s.submission_for(a.id, uid)


def _published(s: Store, course: Course) -> list[Assignment]:
    return [a for a in content.course_assignments(s, course.id) if a.published]


def requested_assignments(s: Store, course: Course, p: Params) -> list[Assignment]:
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


def requested_students(s: Store, course: Course, p: Params, section_id: int | None) -> list[int]:
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
        return [u for u in visible if u in observed(s, course, user.id)]
    if len(raw) > MAX_STUDENTS:
        raise errors.error("too many students")
    ids = sorted({find_user(value).id for value in raw})
    allowed = (
        set(visible)
        if can_manage_course(user, course)
        else ({user.id} | observed(s, course, user.id)) & set(visible)
    )
    require(set(ids) <= allowed)
    return ids


def observed(s: Store, course: Course, user_id: int) -> set[int]:
    return {
        e.associated_user_id
        for e in s.enrollments_in(course.id)
        if e.user_id == user_id and e.type == "ObserverEnrollment" and e.associated_user_id
    }


def _observes_all(s: Store, course: Course, user_id: int) -> bool:
    return bool(observed(s, course, user_id))


def filter_submissions(subs: list[Submission], p: Params) -> list[Submission]:
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


def student_row(course: Course, a: Assignment, raw_user: str) -> Submission:
    s = store()
    user = find_user(raw_user)
    if user.id not in s.students_of(course.id):
        raise errors.not_found()
    caller = current_user()
    require(
        can_manage_course(caller, course)
        or caller.id == user.id
        or user.id in observed(s, course, caller.id)
    )
    return s.submission_for(a.id, user.id)
