"""Authentication failures and each error class as canvasapi sees them (canvas-rest.md §0.2, §1)."""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.course import Course
from canvasapi.exceptions import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidAccessToken,
    ResourceDoesNotExist,
)

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api, make_canvas


def test_unknown_token_is_401_with_www_authenticate(sandbox: SandboxServer, api: Api) -> None:
    resp = api.as_user("1~not-a-token").get("accounts/self")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="canvas-lms"'
    assert resp.json() == {"errors": [{"message": "Invalid access token."}]}
    with pytest.raises(InvalidAccessToken):
        make_canvas(sandbox.base_url, "1~not-a-token").get_account(1)


def test_no_credentials_and_wrong_scheme_are_unauthenticated(api: Api) -> None:
    for client in (api.as_user(None), api.as_user(None)):
        resp = client.get("accounts/self")
        assert resp.status_code == 401
        assert resp.json()["status"] == "unauthenticated"
    basic = api.as_user(None).get("accounts/self", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_access_token_parameter_also_authenticates(sandbox: SandboxServer, api: Api) -> None:
    resp = api.as_user(None).get("accounts/self", params={"access_token": sandbox.admin_token})
    assert resp.status_code == 200
    assert sandbox.admin_token not in sandbox.log.entries()[-1].query


def test_revoked_token_stops_working(sandbox: SandboxServer, api: Api) -> None:
    sandbox.store.tokens[sandbox.admin_token].revoked = True
    assert api.get("accounts/self").status_code == 401


def test_student_is_forbidden_from_admin_actions(
    sandbox: SandboxServer, course: Course, api: Api
) -> None:
    student = sandbox.store.add_user("Student", "student@x.org")
    sandbox.store.enroll(student.id, course.id, "StudentEnrollment")
    as_student = make_canvas(sandbox.base_url, sandbox.token_for(student.id))

    with pytest.raises(Forbidden):
        as_student.get_account(1)
    resp = api.as_user(sandbox.token_for(student.id)).post(
        f"courses/{course.id}/modules", data={"module[name]": "Mine"}
    )
    assert resp.status_code == 403
    assert "WWW-Authenticate" not in resp.headers
    assert resp.json() == {
        "status": "unauthorized",
        "errors": [{"message": "user not authorized to perform that action"}],
    }
    # reading their own course is fine
    assert as_student.get_course(course.id).id == course.id


def test_not_found_shapes(canvas: Canvas, api: Api) -> None:
    for path in ("courses/424242", "courses/sis_course_id:nope", "no/such/endpoint"):
        resp = api.get(path)
        assert resp.status_code == 404, path
        assert resp.json() == {"errors": [{"message": "The specified resource does not exist."}]}
    with pytest.raises(ResourceDoesNotExist):
        canvas.get_course(424242)


def test_bad_request_and_conflict_classes(course: Course) -> None:
    with pytest.raises(BadRequest):
        course.create_assignment(assignment={"name": "X", "due_at": "tomorrow-ish"})
    course.create_assignment(assignment={"name": "A", "sis_assignment_id": "same"})
    with pytest.raises(Conflict):
        course.create_assignment(assignment={"name": "B", "sis_assignment_id": "same"})


def test_malformed_brackets_are_a_400_not_a_500(course: Course, api: Api) -> None:
    resp = api.post(f"courses/{course.id}/modules", data=[("module", "x"), ("module[name]", "y")])
    assert resp.status_code == 400
    assert "Invalid parameters" in resp.json()["message"]
