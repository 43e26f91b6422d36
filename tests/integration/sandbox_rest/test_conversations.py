"""Conversations (a person's Canvas Inbox): sending in a course's context, each inbox, paging."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from canvasapi import Canvas

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from tests.integration.sandbox_platform.toolside import Browser
from tests.sandbox_fixtures import Api, make_canvas


@dataclass
class Cohort:
    course: Course
    teacher: User
    mentor: User
    candidate: User
    outsider: User

    def token(self, sandbox: SandboxServer, user: User) -> str:
        return sandbox.store.issue_token(user.id, f"token-{user.id}")


@pytest.fixture
def cohort(sandbox: SandboxServer) -> Cohort:
    s = sandbox.store
    course = s.add_course("CTO Mentor Cohort 12", workflow_state="available")
    other = s.add_course("Elsewhere", workflow_state="available")
    teacher = s.add_user("Tess Teacher", "tess@x.edu")
    mentor = s.add_user("Maya Mentor", "maya@x.edu")
    candidate = s.add_user("Cody Candidate", "cody@x.edu")
    outsider = s.add_user("Olga Outsider", "olga@x.edu")
    s.enroll(teacher.id, course.id, "TeacherEnrollment")
    s.enroll(candidate.id, course.id, "StudentEnrollment")
    s.enroll(mentor.id, course.id, "ObserverEnrollment", associated_user_id=candidate.id)
    s.enroll(outsider.id, other.id, "StudentEnrollment")
    return Cohort(course, teacher, mentor, candidate, outsider)


def send(api: Api, *recipients: int, **fields: str) -> list[dict[str, object]]:
    data: list[tuple[str, str]] = [("recipients[]", str(r)) for r in recipients]
    data += [("body", fields.pop("body", "Hello")), *fields.items()]
    response = api.post("conversations", data=data)
    assert response.status_code == 201, response.text
    body: list[dict[str, object]] = response.json()
    return body


def test_a_message_in_the_course_context_reaches_the_recipients_inbox(
    sandbox: SandboxServer, api: Api, cohort: Cohort
) -> None:
    [made] = send(
        api,
        cohort.mentor.id,
        subject="Report due",
        body="Your report for November is due on 5 December.",
        context_code=f"course_{cohort.course.id}",
        force_new="true",
    )
    assert (made["private"], made["context_code"], made["message_count"]) == (
        True,
        f"course_{cohort.course.id}",
        1,
    )
    mentor = api.as_user(cohort.token(sandbox, cohort.mentor))
    [listed] = mentor.get("conversations").json()
    assert (listed["id"], listed["subject"], listed["workflow_state"]) == (
        made["id"],
        "Report due",
        "unread",
    )
    assert listed["context_name"] == "CTO Mentor Cohort 12"
    shown = mentor.get(f"conversations/{made['id']}").json()
    assert [m["body"] for m in shown["messages"]] == [
        "Your report for November is due on 5 December."
    ]
    assert mentor.get("conversations").json()[0]["workflow_state"] == "read"
    # The sender finds it under "sent", not in their own inbox.
    assert api.get("conversations").json() == []
    assert [c["id"] for c in api.get("conversations", params={"scope": "sent"}).json()] == [
        made["id"]
    ]
    # Nobody else can open it.
    candidate = api.as_user(cohort.token(sandbox, cohort.candidate))
    assert candidate.get(f"conversations/{made['id']}").status_code == 404
    assert candidate.get("conversations").json() == []


def test_a_private_conversation_is_reused_unless_a_new_one_is_forced(
    api: Api, cohort: Cohort
) -> None:
    [first] = send(api, cohort.mentor.id, subject="One")
    [again] = send(api, cohort.mentor.id, subject="Ignored when reused")
    assert (again["id"], again["subject"], again["message_count"]) == (first["id"], "One", 2)
    [forced] = send(api, cohort.mentor.id, subject="Two", force_new="1")
    assert forced["id"] != first["id"]


def test_several_recipients_get_one_private_conversation_each_unless_grouped(
    api: Api, cohort: Cohort
) -> None:
    made = send(api, cohort.mentor.id, cohort.candidate.id, subject="Each")
    assert len(made) == 2 and all(c["private"] for c in made)
    [group] = send(api, cohort.mentor.id, cohort.candidate.id, group_conversation="true")
    assert group["private"] is False
    assert sorted(p["id"] for p in group["participants"]) == sorted(  # type: ignore[attr-defined]
        [cohort.mentor.id, cohort.candidate.id, api_admin_id(api)]
    )


def api_admin_id(api: Api) -> int:
    user_id: int = api.get("users/self").json()["id"]
    return user_id


def test_people_outside_the_course_cannot_be_messaged_in_its_context(
    sandbox: SandboxServer, api: Api, cohort: Cohort
) -> None:
    mentor = api.as_user(cohort.token(sandbox, cohort.mentor))
    code = f"course_{cohort.course.id}"
    refused = mentor.post(
        "conversations",
        data={"recipients[]": str(cohort.outsider.id), "body": "hi", "context_code": code},
    )
    assert (refused.status_code, refused.json()) == (
        400,
        [{"attribute": "recipients", "message": "invalid"}],
    )
    # A mentor may write to the teacher of their course; a whole course needs send_messages_all.
    ok = mentor.post(
        "conversations",
        data={"recipients[]": str(cohort.teacher.id), "body": "hi", "context_code": code},
    )
    assert ok.status_code == 201
    whole = mentor.post(
        "conversations", data={"recipients[]": code, "body": "hi all", "context_code": code}
    )
    assert whole.json() == [{"attribute": "recipients", "message": "restricted by role"}]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": "x"}, {"attribute": "recipients", "message": "blank"}),
        ({"recipients[]": "MENTOR", "body": " "}, {"attribute": "body", "message": "blank"}),
        (
            {"recipients[]": "MENTOR", "body": "x", "context_code": "course_999"},
            {"attribute": "context_code", "message": "invalid"},
        ),
    ],
)
def test_bad_requests_are_answered_as_canvas_does(
    api: Api, cohort: Cohort, data: dict[str, str], error: dict[str, str]
) -> None:
    data = {k: str(cohort.mentor.id) if v == "MENTOR" else v for k, v in data.items()}
    response = api.post("conversations", data=data)
    assert (response.status_code, response.json()) == (400, [error])


def test_the_inbox_is_paginated_most_recent_first_and_filtered_by_context(
    sandbox: SandboxServer, canvas: Canvas, api: Api, cohort: Cohort
) -> None:
    code = f"course_{cohort.course.id}"
    for n in range(12):
        canvas.create_conversation(
            [str(cohort.mentor.id)],
            f"Message {n}",
            subject=f"S{n}",
            force_new=True,
            context_code=code if n % 2 else None,
        )
    mentor = api.as_user(cohort.token(sandbox, cohort.mentor))
    first = mentor.get("conversations", params={"per_page": 5})
    assert [c["subject"] for c in first.json()] == ["S11", "S10", "S9", "S8", "S7"]
    assert 'rel="next"' in first.headers["Link"]
    in_course = mentor.get("conversations", params={"filter[]": code, "per_page": 50}).json()
    assert len(in_course) == 6
    as_mentor = make_canvas(sandbox.base_url, cohort.token(sandbox, cohort.mentor))
    assert len(list(as_mentor.get_conversations())) == 12


def test_each_person_sees_their_inbox_in_the_sandbox_ui(
    sandbox: SandboxServer, api: Api, cohort: Cohort
) -> None:
    send(api, cohort.mentor.id, subject="Reminder: report due", body="Line one\nLine two")
    browser = Browser(sandbox.base_url)
    browser.sign_in(cohort.mentor.id)
    page = browser.get("/conversations")
    assert page.status_code == 200 and "Reminder: report due" in page.text
    candidate = Browser(sandbox.base_url)
    candidate.sign_in(cohort.candidate.id)
    assert "Reminder: report due" not in candidate.get("/conversations").text
