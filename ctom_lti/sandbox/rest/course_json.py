"""Course JSON as Canvas renders it (canvas-rest.md §4.1), with the viewer's own enrollments."""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.enrollment_json import BUILT_IN_ROLE_IDS
from ctom_lti.sandbox.rest.render import host
from ctom_lti.sandbox.store import User
from ctom_lti.sandbox.timestamps import iso


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
