"""Role mapping: Canvas role sets in, programme roles out (design.md §3, canvas-lti.md §4.4)."""

from __future__ import annotations

import pytest

from ctom_lti.lti.roles import RoleInput, decide_roles, parse_canvas_membership_roles
from ctom_lti.models import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = LIS + "membership#Learner"
MENTOR = LIS + "membership#Mentor"
INSTRUCTOR = LIS + "membership#Instructor"
TA = LIS + "membership/Instructor#TeachingAssistant"
DESIGNER = LIS + "membership#ContentDeveloper"
INST_ADMIN = LIS + "institution/person#Administrator"
INST_STUDENT = LIS + "institution/person#Student"
INST_INSTRUCTOR = LIS + "institution/person#Instructor"
USER = LIS + "system/person#User"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"

C, M, INS, A = Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN

CASES = [
    # (case, lti roles, $Canvas.membership.roles, expected roles)
    ("student", [INST_STUDENT, LEARNER, USER], "StudentEnrollment", {C}),
    ("test student", [LEARNER, TEST_USER, USER], "StudentViewEnrollment", {C}),
    ("teacher", [INST_INSTRUCTOR, INSTRUCTOR, USER], "TeacherEnrollment", {INS}),
    ("ta carries Instructor too", [INSTRUCTOR, TA, USER], "TaEnrollment", {INS}),
    ("observer", [MENTOR, USER], "ObserverEnrollment", {M}),
    ("account admin, not enrolled", [INST_ADMIN, USER], "", {A}),
    (
        "account admin enrolled as teacher",
        [INST_ADMIN, INSTRUCTOR, USER],
        "TeacherEnrollment",
        {A, INS},
    ),
    (
        "teacher elsewhere, student here",
        [INST_INSTRUCTOR, INST_STUDENT, LEARNER, USER],
        "StudentEnrollment",
        {C},
    ),
    ("institution instructor only", [INST_INSTRUCTOR, USER], "", set()),
    ("designer has no programme role", [DESIGNER, USER], "DesignerEnrollment", set()),
    ("system user alone", [USER], "", set()),
    ("custom Mentor role based on Student", [INST_STUDENT, LEARNER, USER], "Mentor", {M}),
    ("custom mentor label, any case", [LEARNER, USER], "mentor", {M}),
    (
        "custom Mentor plus a real student enrollment",
        [LEARNER, USER],
        "StudentEnrollment,Mentor",
        {C, M},
    ),
    ("custom role not about mentoring", [LEARNER, USER], "Cohort Member", {C}),
    ("unexpanded variable means unknown", [LEARNER, USER], "$Canvas.membership.roles", {C}),
    ("short role names from other platforms", ["Learner", "Instructor"], "", {C, INS}),
    ("unknown URIs ignored", ["urn:x:weird", LIS + "system/person#SysAdmin"], "", set()),
]


@pytest.mark.parametrize(
    ("case", "lti_roles", "canvas_roles", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_role_mapping(
    case: str, lti_roles: list[str], canvas_roles: str, expected: set[Role]
) -> None:
    decision = decide_roles(
        RoleInput(
            lti_roles=tuple(lti_roles),
            canvas_membership_roles=parse_canvas_membership_roles(canvas_roles),
        )
    )
    assert decision.roles == frozenset(expected), case


def test_mentor_keeps_role_scope_mentor_in_order_without_duplicates() -> None:
    decision = decide_roles(
        RoleInput(lti_roles=(MENTOR, USER), role_scope_mentor=("sub-b", "sub-a", "sub-b", ""))
    )
    assert decision.roles == {M}
    assert decision.mentee_subs == ("sub-b", "sub-a")


def test_role_scope_mentor_ignored_without_mentor_role() -> None:
    decision = decide_roles(RoleInput(lti_roles=(LEARNER,), role_scope_mentor=("sub-a",)))
    assert decision.mentee_subs == ()


def test_configured_mentor_labels_replace_the_default() -> None:
    given = RoleInput(
        lti_roles=(LEARNER,),
        canvas_membership_roles=("Coach",),
        mentor_labels=frozenset({"Coach"}),
    )
    assert decide_roles(given).roles == {M}


def test_primary_role_follows_precedence() -> None:
    decision = decide_roles(RoleInput(lti_roles=(LEARNER, INSTRUCTOR, INST_ADMIN)))
    assert decision.primary is A
    assert decide_roles(RoleInput(lti_roles=(USER,))).primary is None
