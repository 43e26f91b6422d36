"""Accounts and courses through canvasapi (canvas-rest.md §2, §4.1)."""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.account import Account
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, ResourceDoesNotExist

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api


def test_account_by_id_self_and_sis_id(canvas: Canvas, sandbox: SandboxServer, api: Api) -> None:
    root = sandbox.store.accounts[sandbox.store.root_account_id]
    root.sis_account_id = "district"

    assert canvas.get_account(root.id).name == "Sandbox Institution"
    assert api.get("accounts/self").json()["id"] == root.id
    assert canvas.get_account("district", use_sis_id=True).id == root.id
    with pytest.raises(ResourceDoesNotExist):
        canvas.get_account("nowhere", use_sis_id=True)


def test_created_course_is_unpublished_with_derived_code_and_default_group(
    canvas: Canvas, course: Course
) -> None:
    assert course.workflow_state == "unpublished"
    assert course.course_code == "Cohort 2025"
    assert course.sis_course_id == "COHORT-2025"
    assert [g.name for g in course.get_assignment_groups()] == ["Assignments"]
    assert canvas.get_course("COHORT-2025", use_sis_id=True).id == course.id


def test_duplicate_sis_id_is_refused_even_after_delete_unless_reactivated(
    canvas: Canvas, account: Account, course: Course, api: Api
) -> None:
    with pytest.raises(BadRequest) as err:
        account.create_course(course={"name": "Again", "sis_course_id": "COHORT-2025"})
    assert 'SIS ID \\"COHORT-2025\\" is already in use' in str(err.value)

    assert course.delete() is True
    with pytest.raises(ResourceDoesNotExist):
        canvas.get_course("COHORT-2025", use_sis_id=True)
    with pytest.raises(BadRequest):
        account.create_course(course={"name": "Again", "sis_course_id": "COHORT-2025"})

    revived = api.post(
        "accounts/self/courses",
        data={"course[sis_course_id]": "COHORT-2025", "enable_sis_reactivation": "true"},
    )
    assert revived.status_code == 200
    assert revived.json()["id"] == course.id


def test_update_renames_and_offer_publishes(canvas: Canvas, course: Course) -> None:
    assert course.update(course={"name": "Cohort 2025 (Spring)"}) == "Cohort 2025 (Spring)"
    course.update(course={"event": "offer"})
    fetched = canvas.get_course(course.id)
    assert fetched.name == "Cohort 2025 (Spring)"
    assert fetched.workflow_state == "available"


def test_offer_at_creation_and_enroll_me(account: Account, sandbox: SandboxServer) -> None:
    course = account.create_course(course={"name": "Published"}, offer=True, enroll_me=True)
    assert course.workflow_state == "available"
    teachers = list(course.get_enrollments(type=["TeacherEnrollment"]))
    assert [e.user_id for e in teachers] == [sandbox.admin_user_id]


def test_dates_only_stick_with_restricted_enrollment_dates(account: Account) -> None:
    loose = account.create_course(course={"name": "Loose", "start_at": "2025-01-10T08:00:00Z"})
    strict = account.create_course(
        course={
            "name": "Strict",
            "start_at": "2025-01-10T08:00:00Z",
            "end_at": "2025-06-30T17:00:00Z",
            "restrict_enrollments_to_course_dates": True,
        }
    )
    assert loose.start_at is None
    assert (strict.start_at, strict.end_at) == ("2025-01-10T08:00:00Z", "2025-06-30T17:00:00Z")


def test_bad_date_is_a_400_naming_the_field(api: Api) -> None:
    resp = api.post(
        "accounts/self/courses",
        data={
            "course[name]": "X",
            "course[restrict_enrollments_to_course_dates]": "true",
            "course[start_at]": "next tuesday",
        },
    )
    assert resp.status_code == 400
    assert "start_at" in resp.json()["errors"]


def test_account_course_list_searches_name_code_and_sis_id(account: Account) -> None:
    account.create_course(course={"name": "Cohort 2024 Fall", "sis_course_id": "C-24"})
    account.create_course(course={"name": "Cohort 2025 Spring", "sis_course_id": "C-25"})
    account.create_course(course={"name": "Staff Lounge"})

    assert [c.name for c in account.get_courses(search_term="Cohort")] == [
        "Cohort 2024 Fall",
        "Cohort 2025 Spring",
    ]
    assert [c.sis_course_id for c in account.get_courses(search_term="C-25")] == ["C-25"]


def test_delete_needs_a_valid_event(api: Api, course: Course) -> None:
    resp = api.delete(f"courses/{course.id}")
    assert resp.status_code == 400
    assert resp.json() == {"message": 'Only "delete" and "conclude" events are allowed.'}
    assert api.delete(f"courses/{course.id}", data={"event": "conclude"}).json() == {
        "conclude": True
    }
