"""The demo district: an admin, 2 instructors, 12 candidates and 5 mentors (Canvas observers).

Each mentor observes 2 or 3 candidates and every candidate has exactly one mentor, linked the way
Canvas links them (an ObserverEnrollment with ``associated_user_id`` per candidate). One mentor
holds the custom course role "Mentor" (based on ObserverEnrollment) instead of the base role, so
both ways a Canvas admin may set mentors up are present. The cohort course is created empty —
its content is built by the real sync — or left out entirely with ``with_course=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctom_lti.sandbox.course_records import Course, CourseRole
from ctom_lti.sandbox.store import Store, User

DOMAIN = "district.example.org"
COURSE_NAME = "CTO Mentor Program - Cohort 12"
COURSE_SIS_ID = "CTOM-COHORT-12"

_ADMIN = "Dana Whitfield"
_INSTRUCTORS = ("Marcus Ellery", "Priya Raman")
_CANDIDATES = (
    "Alicia Moreno",
    "Brian Okafor",
    "Carmen Liu",
    "Derek Halvorsen",
    "Elena Petrova",
    "Farid Haddad",
    "Grace Whitaker",
    "Hector Alvarez",
    "Ingrid Sorensen",
    "Jamal Brooks",
    "Keiko Tanaka",
    "Luis Fernandez",
)
_MENTORS = ("Ruth Castellanos", "Samuel Ortiz", "Theresa Nguyen", "Victor Ramsey", "Wendy Ashford")
#: how many candidates each mentor observes, in order (3+3+2+2+2 = 12)
_MENTEE_COUNTS = (3, 3, 2, 2, 2)


@dataclass
class DemoSeed:
    admin: User
    instructors: list[User]
    candidates: list[User]
    mentors: list[User]
    #: mentor user id → the candidate user ids they observe
    mentees: dict[int, list[int]] = field(default_factory=dict)
    mentor_role: CourseRole | None = None
    course: Course | None = None


def _email(name: str) -> str:
    first, last = name.lower().split(" ", 1)
    return f"{first[0]}{last.replace(' ', '')}@{DOMAIN}"


def _person(store: Store, name: str, sis_prefix: str, n: int) -> User:
    email = _email(name)
    return store.add_user(name, email, email=email, sis_user_id=f"{sis_prefix}-{n:03d}")


def seed_demo(store: Store, *, with_course: bool = True) -> DemoSeed:
    """Add the demo people (and the empty, published cohort course) to ``store``."""
    with store.lock:
        admin = _person(store, _ADMIN, "staff", 1)
        admin.admin_of.add(store.root_account_id)
        instructors = [
            _person(store, name, "staff", n) for n, name in enumerate(_INSTRUCTORS, start=2)
        ]
        candidates = [
            _person(store, name, "cand", n) for n, name in enumerate(_CANDIDATES, start=1)
        ]
        mentors = [_person(store, name, "mentor", n) for n, name in enumerate(_MENTORS, start=1)]
        mentees: dict[int, list[int]] = {}
        start = 0
        for mentor, count in zip(mentors, _MENTEE_COUNTS, strict=True):
            mentees[mentor.id] = [c.id for c in candidates[start : start + count]]
            start += count
        role = store.add_course_role("Mentor", "ObserverEnrollment")
        seed = DemoSeed(admin, instructors, candidates, mentors, mentees, role)
        if with_course:
            seed.course = _cohort_course(store, seed)
        return seed


def _cohort_course(store: Store, seed: DemoSeed) -> Course:
    course = store.add_course(
        COURSE_NAME,
        course_code="CTOM 12",
        sis_course_id=COURSE_SIS_ID,
        workflow_state="available",
    )
    for teacher in seed.instructors:
        store.enroll(teacher.id, course.id, "TeacherEnrollment")
    for candidate in seed.candidates:
        store.enroll(candidate.id, course.id, "StudentEnrollment")
    # the last mentor uses the custom "Mentor" role; the others the base observer role
    custom = seed.mentors[-1].id
    for mentor in seed.mentors:
        for candidate_id in seed.mentees[mentor.id]:
            store.enroll(
                mentor.id,
                course.id,
                "ObserverEnrollment",
                role_id=seed.mentor_role.id if seed.mentor_role and mentor.id == custom else None,
                associated_user_id=candidate_id,
            )
    return course
