"""Conversations: a user's Canvas Inbox (create, list, show).

Follows Canvas's Conversations API documentation (developerdocs.instructure.com/services/canvas/
resources/conversations) and the ``@API`` comments and ``create`` / ``infer_scope`` /
``render_error`` of ``app/controllers/conversations_controller.rb`` (instructure/canvas-lms):

- ``POST /conversations`` needs ``recipients[]`` (user ids, or ``course_<id>`` for everyone in a
  course, which needs ``send_messages_all``) and ``body``; recipients the sender cannot message
  are dropped, and none left is ``recipients: invalid``. Several recipients without
  ``group_conversation`` make one private conversation each; ``force_new`` always makes new ones;
  a single private conversation is otherwise reused. With ``context_code=course_<id>`` the sender
  needs ``send_messages`` there unless every recipient is an instructor of it. Errors are a JSON
  array of ``{attribute, message}`` with 400. Created: 201 with an array of conversations;
  ``mode=async`` for a batch: 202, ``[]``.
- ``GET /conversations``: the caller's, ``scope`` (default inbox = not archived, with a message
  from someone else; ``unread`` / ``starred`` / ``sent`` / ``archived``), ``filter[]`` and
  ``filter_mode``; paginated, most recent first.
- ``GET /conversations/:id``: one of the caller's, with its messages newest first; marks it read
  (``auto_mark_as_read`` defaults to true for API calls).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import conversations as inbox
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import current_user, store
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import opt_str, params, str_list, to_bool
from ctom_lti.sandbox.rest.render import host
from ctom_lti.sandbox.timestamps import iso

bp = Blueprint("conversations", __name__)

_COURSE_CODE = re.compile(r"\Acourse_(\d+)\Z")
_COURSE_RECIPIENT = re.compile(r"\A(course_\d+)(?:_([a-z]+))?\Z")


def render_error(attribute: str, message: str, status: int = 400) -> errors.ApiError:
    """``render_error`` of the controller: ``[{"attribute": …, "message": …}]``."""
    return errors.ApiError(status, [{"attribute": attribute, "message": message}])


def conversation_json(
    conv: inbox.Conversation, user_id: int, *, messages: bool = False
) -> dict[str, Any]:
    s = store()
    state = conv.states[user_id]
    last = conv.messages[-1] if conv.messages else None
    mine = [m for m in conv.messages if m.author_id == user_id]
    others = [uid for uid in conv.participant_ids if uid != user_id] or [user_id]
    course = _context_course(conv.context_code)
    data: dict[str, Any] = {
        "id": conv.id,
        "subject": conv.subject,
        "workflow_state": state.workflow_state,
        "last_message": last.body[:100] if last else None,
        "last_message_at": iso(last.created_at) if last else None,
        "last_authored_message": mine[-1].body[:100] if mine else None,
        "last_authored_message_at": iso(mine[-1].created_at) if mine else None,
        "message_count": len(conv.messages),
        "subscribed": True,
        "private": conv.private,
        "starred": state.starred,
        "properties": ["last_author"] if last and last.author_id == user_id else [],
        "audience": others,
        "audience_contexts": {
            "courses": {str(course.id): []} if course else {},
            "groups": {},
        },
        "avatar_url": f"{host()}/images/messages/avatar-group-50.png",
        "participants": [
            {"id": uid, "name": s.users[uid].short_name, "full_name": s.users[uid].name}
            for uid in conv.participant_ids
        ],
        "visible": inbox.in_scope(conv, user_id, "inbox"),
        "context_code": conv.context_code,
        "context_name": course.name if course else None,
    }
    if messages:
        data["messages"] = [
            {
                "id": m.id,
                "created_at": iso(m.created_at),
                "body": m.body,
                "author_id": m.author_id,
                "generated": False,
                "media_comment": None,
                "forwarded_messages": [],
                "attachments": [],
                "participating_user_ids": conv.participant_ids,
            }
            for m in reversed(conv.messages)
        ]
    return data


def _context_course(code: str | None) -> Course | None:
    match = _COURSE_CODE.match(code or "")
    if match is None:
        return None
    course = store().courses.get(int(match.group(1)))
    return course if course and course.workflow_state != "deleted" else None


def _recipients(raw: list[str], sender_id: int, course: Course | None) -> list[int]:
    """``normalize_recipients``: ids the sender may message, course recipients expanded."""
    s = store()
    found: list[int] = []
    for item in raw:
        whole = _COURSE_RECIPIENT.match(item)
        if whole:
            target = _context_course(whole.group(1))
            if target is not None:
                found += [e.user_id for e in s.enrollments_in(target.id) if e.user_id != sender_id]
        elif item.isdigit() and inbox.messageable(s, sender_id, int(item), course):
            found.append(int(item))
    return list(dict.fromkeys(found))


def _check_context(course: Course | None, sender_id: int, recipients: list[int]) -> None:
    """The sender needs ``send_messages`` in the context course unless writing to its
    instructors, and a concluded course takes messages only from its admins."""
    s = store()
    if course is None:
        raise render_error("context_code", "invalid")
    if not inbox.all_instructors(s, course, recipients) and not inbox.can_send_messages(
        s, sender_id, course
    ):
        raise render_error(f"Unable to send messages to users in {course.name}", "")
    admin = inbox.administers(s, sender_id, course.account_id)
    if course.workflow_state == "completed" and not admin:
        raise render_error("Course concluded", "Unable to send messages")


@bp.post("/conversations")
def create_conversation() -> Response:
    s = store()
    p = params()
    sender = current_user()
    raw = str_list(p.get("recipients"))
    if not raw:
        raise render_error("recipients", "blank")
    code = opt_str(p, "context_code") or None
    course = _context_course(code)
    recipients = _recipients(raw, sender.id, course)
    if not recipients:
        raise render_error("recipients", "invalid")
    body = opt_str(p, "body") or ""
    if not body.strip():
        raise render_error("body", "blank")
    if code is not None:
        _check_context(course, sender.id, recipients)
    for item in raw:
        whole = _COURSE_RECIPIENT.match(item)
        if whole and whole.group(2) in (None, "students", "observers"):
            target = _context_course(whole.group(1))
            if target is None or not inbox.can_send_messages_all(s, sender.id, target):
                raise render_error("recipients", "restricted by role")
    subject = opt_str(p, "subject") or ""
    if len(subject) > 255:
        # Conversation validates the subject's length; the RecordInvalid body is Rails's
        # errors hash [I: shape inferred].
        raise errors.ApiError(400, {"subject": ["is too long (maximum is 255 characters)"]})
    group = to_bool(p.get("group_conversation", False))
    force_new = to_bool(p.get("force_new", False))
    batch = (not group and len(recipients) > 1) or force_new
    if not batch and len(recipients) > inbox.MAX_GROUP_CONVERSATION_SIZE:
        raise render_error("recipients", "too many for group conversation")
    groups = [[r] for r in recipients] if batch and not group else [recipients]
    made = [
        inbox.start(
            s,
            sender.id,
            members,
            subject=subject,
            body=body,
            context_code=code,
            private=not group,
            force_new=force_new,
        )
        for members in groups
    ]
    if batch and opt_str(p, "mode") == "async":
        resp = jsonify([])
        resp.status_code = 202
        resp.headers["X-Conversation-Batch-Id"] = str(s.next_id("conversation_batches"))
        return resp
    resp = jsonify([conversation_json(c, sender.id, messages=not batch) for c in made])
    resp.status_code = 201
    return resp


@bp.get("/conversations")
def list_conversations() -> Response:
    p = params()
    me = current_user()
    scope = opt_str(p, "scope") or "inbox"
    scope = scope if scope in inbox.SCOPES else "inbox"
    mode = opt_str(p, "filter_mode") or "or"
    if mode not in ("or", "and"):
        raise render_error("filter_mode", "invalid")
    filters = str_list(p.get("filter"))
    found = [
        c
        for c in inbox.visible_to(store(), me.id, scope)
        if inbox.matches_filters(c, filters, mode)
    ]
    return paginate(found, lambda c: conversation_json(c, me.id), with_last=False)


@bp.get("/conversations/<int:conversation_id>")
def get_conversation(conversation_id: int) -> Response:
    me = current_user()
    s = store()
    with s.lock:
        conv = inbox.conversations(s).get(conversation_id)
        if conv is None or me.id not in conv.states or not conv.messages:
            raise errors.not_found()
        if to_bool(params().get("auto_mark_as_read", True)):
            inbox.mark_read(conv, me.id)
        return jsonify(conversation_json(conv, me.id, messages=True))
