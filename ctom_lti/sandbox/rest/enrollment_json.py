"""Enrollment JSON as Canvas renders it (canvas-rest.md §4.4) and the ids of the built-in course
roles it carries."""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox.course_records import Enrollment
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.render import host, user_summary
from ctom_lti.sandbox.timestamps import iso


def enrollment_json(e: Enrollment, *, with_user: bool = True) -> dict[str, Any]:
    """Enrollment JSON (edulinq-real field set, §4.4).

    ``with_user=False`` inside a user's own JSON (``/courses/:id/users?include[]=enrollments``):
    Canvas renders those with ``excludes: [:user]`` (lib/api/v1/user.rb user_json).
    """
    s = store()
    course = s.courses[e.course_id]
    sec = s.sections.get(e.course_section_id)
    user = s.users[e.user_id]
    role = s.roles.get(e.role_id) if e.role_id else None
    data: dict[str, Any] = {
        "id": e.id,
        "user_id": e.user_id,
        "course_id": e.course_id,
        "type": e.type,
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
        "associated_user_id": e.associated_user_id,
        "start_at": iso(e.start_at),
        "end_at": iso(e.end_at),
        "course_section_id": e.course_section_id,
        "root_account_id": course.root_account_id,
        "limit_privileges_to_course_section": e.limit_privileges_to_course_section,
        "enrollment_state": e.enrollment_state,
        "role": role.label if role else e.type,
        "role_id": role.id if role else base_role_id(e.type),
        "last_activity_at": None,
        "last_attended_at": None,
        "total_activity_time": 0,
        "sis_account_id": s.accounts[course.account_id].sis_account_id,
        "sis_course_id": course.sis_course_id,
        "course_integration_id": course.integration_id,
        "sis_section_id": sec.sis_section_id if sec else None,
        "section_integration_id": sec.integration_id if sec else None,
        "sis_user_id": user.sis_user_id,
        "html_url": f"{host()}/courses/{e.course_id}/users/{e.user_id}",
    }
    if with_user:
        data["user"] = user_summary(user)
    if e.type == "StudentEnrollment":
        data["grades"] = {
            "html_url": f"{host()}/courses/{e.course_id}/grades/{e.user_id}",
            "current_score": None,
            "current_grade": None,
            "final_score": 0.0,
            "final_grade": None,
            "unposted_current_score": None,
            "unposted_current_grade": None,
            "unposted_final_score": 0.0,
            "unposted_final_grade": None,
        }
    return data


#: Ids of the built-in course roles on a fresh Canvas, as recorded from a live instance. The
#: test student's StudentViewEnrollment carries the student role.
BUILT_IN_ROLE_IDS = {
    "StudentEnrollment": 3,
    "TeacherEnrollment": 4,
    "TaEnrollment": 5,
    "DesignerEnrollment": 6,
    "ObserverEnrollment": 7,
    "StudentViewEnrollment": 3,
}


def base_role_id(type_: str) -> int:
    return BUILT_IN_ROLE_IDS.get(type_, 0)
