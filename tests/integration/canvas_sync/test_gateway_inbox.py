"""Sending Canvas Inbox messages through the gateway, against the sandbox over HTTP."""

from __future__ import annotations

import pytest

from ctom_lti.canvas.errors import CanvasBadRequest, CanvasWriteUncertain
from ctom_lti.sandbox import conversations as inbox
from ctom_lti.sandbox.knobs import Fault
from ctom_lti.sandbox.server import SandboxServer

from .conftest import fast_gateway


@pytest.fixture
def course_with_mentors(sandbox: SandboxServer) -> tuple[int, list[int]]:
    s = sandbox.store
    course = s.add_course("Cohort 12", workflow_state="available")
    mentors = []
    for n in range(2):
        mentor = s.add_user(f"Mentor {n}", f"m{n}@x.edu")
        s.enroll(mentor.id, course.id, "ObserverEnrollment")
        mentors.append(mentor.id)
    return course.id, mentors


def test_each_recipient_gets_a_new_private_message_in_the_course(
    sandbox: SandboxServer, course_with_mentors: tuple[int, list[int]]
) -> None:
    course_id, mentors = course_with_mentors
    gw = fast_gateway(sandbox)
    made = gw.send_conversation(course_id, mentors, "Report due", "Due on 5 December.")
    assert [c.context_code for c in made] == [f"course_{course_id}"] * 2
    assert sorted(set(c.participant_ids) - {sandbox.admin_user_id} for c in made) == [
        {mentors[0]},
        {mentors[1]},
    ]
    again = gw.send_conversation(course_id, mentors[:1], "Report due", "Still due.")
    assert again[0].id not in {c.id for c in made}  # force_new: a reminder of its own
    [latest, first] = inbox.visible_to(sandbox.store, mentors[0])
    assert (latest.messages[0].body, first.messages[0].body) == ("Still due.", "Due on 5 December.")
    assert gw.send_conversation(course_id, [], "x", "y") == []


def test_a_recipient_outside_the_course_is_refused(
    sandbox: SandboxServer, course_with_mentors: tuple[int, list[int]]
) -> None:
    course_id, _ = course_with_mentors
    stranger = sandbox.store.add_user("Stranger", "s@x.edu")
    with pytest.raises(CanvasBadRequest) as caught:
        fast_gateway(sandbox).send_conversation(course_id, [stranger.id], "s", "b")
    assert "recipients: invalid" in caught.value.message


def test_throttled_sends_are_retried_and_lost_answers_are_not_resent(
    sandbox: SandboxServer, course_with_mentors: tuple[int, list[int]]
) -> None:
    course_id, mentors = course_with_mentors
    gw = fast_gateway(sandbox)
    sandbox.knobs.inject(Fault.THROTTLE, times=2, method="POST")
    gw.send_conversation(course_id, mentors[:1], "s", "once")
    assert gw.calls.throttled == 2
    sandbox.knobs.inject(Fault.ERROR_AFTER, times=1, method="POST")
    with pytest.raises(CanvasWriteUncertain):
        gw.send_conversation(course_id, mentors[:1], "s", "twice?")
    bodies = [c.messages[0].body for c in inbox.visible_to(sandbox.store, mentors[0])]
    assert sorted(bodies) == ["once", "twice?"]


def test_what_was_sent_to_a_mentor_in_the_course_is_listed_and_read(
    sandbox: SandboxServer, course_with_mentors: tuple[int, list[int]]
) -> None:
    course_id, mentors = course_with_mentors
    other = sandbox.store.add_course("Cohort 13", workflow_state="available")
    sandbox.store.enroll(mentors[0], other.id, "ObserverEnrollment")
    gw = fast_gateway(sandbox)
    [first] = gw.send_conversation(course_id, mentors[:1], "Coming due", "Line one\nLine two")
    gw.send_conversation(other.id, mentors[:1], "Elsewhere", "Another course")
    gw.send_conversation(course_id, mentors[1:], "To the other mentor", "Not theirs")
    [second] = gw.send_conversation(course_id, mentors[:1], "Due today", "Today")
    listed = gw.sent_conversations(course_id, mentors[0])
    assert [c.id for c in listed] == [second.id, first.id]  # most recent first, this course only
    assert [c.messages for c in listed] == [(), ()]
    full = gw.conversation(first.id)
    assert full.subject == "Coming due"
    assert [(m.author_id, m.body) for m in full.messages] == [
        (sandbox.admin_user_id, "Line one\nLine two")
    ]
    # Reading it as the sender leaves it unread for the mentor.
    assert inbox.in_scope(inbox.conversations(sandbox.store)[first.id], mentors[0], "unread")
