"""Canvas's LTI 1.3 role mapping (canvas-lti.md §4.4) as pure functions.

The roles claim is: membership roles of the user's CURRENT enrollments in this course, plus
institution roles derived from all of the user's active enrollments and account roles in the
root account, plus system roles — de-duplicated and sorted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LIS = "http://purl.imsglobal.org/vocab/lis/v2"
LEARNER = f"{LIS}/membership#Learner"
INSTRUCTOR = f"{LIS}/membership#Instructor"
TEACHING_ASSISTANT = f"{LIS}/membership/Instructor#TeachingAssistant"
CONTENT_DEVELOPER = f"{LIS}/membership#ContentDeveloper"
MENTOR = f"{LIS}/membership#Mentor"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"
SYSTEM_USER = f"{LIS}/system/person#User"
SYSTEM_NONE = f"{LIS}/system/person#None"
SYS_ADMIN = f"{LIS}/system/person#SysAdmin"
INSTITUTION_STUDENT = f"{LIS}/institution/person#Student"
INSTITUTION_INSTRUCTOR = f"{LIS}/institution/person#Instructor"
INSTITUTION_ADMINISTRATOR = f"{LIS}/institution/person#Administrator"

#: Enrollment (base) type → membership role URIs.
MEMBERSHIP_ROLES: dict[str, tuple[str, ...]] = {
    "StudentEnrollment": (LEARNER,),
    "TeacherEnrollment": (INSTRUCTOR,),
    "TaEnrollment": (TEACHING_ASSISTANT, INSTRUCTOR),
    "DesignerEnrollment": (CONTENT_DEVELOPER,),
    "ObserverEnrollment": (MENTOR,),
    "StudentViewEnrollment": (LEARNER, TEST_USER),
}

_STUDENT_TYPES = frozenset({"StudentEnrollment", "StudentViewEnrollment"})
# Canvas's User#roles counts TA and designer enrollments as "teacher" [inferred from Canvas code].
_TEACHER_TYPES = frozenset({"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"})
_ADMIN_TYPES = frozenset({"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"})


@dataclass(frozen=True)
class RoleFacts:
    """Everything the roles claim depends on, gathered from the store by the caller."""

    has_user: bool
    #: base types of the user's current enrollments in the launch course (custom roles by base)
    course_types: tuple[str, ...] = ()
    #: base types of the user's active enrollments anywhere in the root account
    account_types: tuple[str, ...] = ()
    #: holds any account role (AccountUser) in the root account
    account_admin: bool = False
    site_admin: bool = False


def membership_roles(types: Iterable[str]) -> list[str]:
    """Membership role URIs for enrollment base types (NRPS sends only these)."""
    return sorted({uri for t in types for uri in MEMBERSHIP_ROLES.get(t, ())})


def lti_roles(facts: RoleFacts) -> list[str]:
    """The ``roles`` claim (canvas-lti.md §4.4)."""
    if not facts.has_user:
        return [SYSTEM_NONE]
    roles = set(membership_roles(facts.course_types))
    roles.add(SYSTEM_USER)
    account_types = set(facts.account_types)
    if account_types & _STUDENT_TYPES:
        roles.add(INSTITUTION_STUDENT)
    if account_types & _TEACHER_TYPES:
        roles.add(INSTITUTION_INSTRUCTOR)
    if facts.account_admin:
        roles.add(INSTITUTION_ADMINISTRATOR)
    if facts.site_admin:
        roles.add(SYS_ADMIN)
    return sorted(roles)


def is_course_admin(course_types: Iterable[str]) -> bool:
    """Teacher, TA or designer in the course (course_navigation ``visibility: admins``)."""
    return bool(set(course_types) & _ADMIN_TYPES)
