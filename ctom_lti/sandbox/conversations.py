"""Canvas Inbox conversations in the sandbox store: who may message whom, sending, each inbox.

Shaped after Canvas's ``Conversation`` / ``ConversationParticipant`` / ``ConversationMessage``
models as the Conversations API documents them (Canvas LMS REST API "Conversations",
developerdocs.instructure.com/services/canvas/resources/conversations, and the ``@API`` comments
of ``app/controllers/conversations_controller.rb`` in ``instructure/canvas-lms``). The REST layer
(:mod:`ctom_lti.sandbox.rest.conversations`) and the Inbox page of the UI both read these.

Each participant has their own view of a conversation (``workflow_state`` read / unread /
archived, starred, and whether it is in their inbox at all): as in Canvas, a conversation someone
starts is in their *sent* scope, and reaches their inbox only once someone else writes in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

#: Canvas's ``Conversation.max_group_conversation_size`` default.
MAX_GROUP_CONVERSATION_SIZE = 100
_INSTRUCTOR_TYPES = {"TeacherEnrollment", "TaEnrollment"}
_MANAGING_TYPES = {"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"}


@dataclass
class Message:
    id: int
    author_id: int
    body: str
    created_at: datetime = field(default_factory=now)


@dataclass
class ParticipantState:
    """One person's view of a conversation (Canvas's ``ConversationParticipant``)."""

    workflow_state: str = "unread"  # read | unread | archived
    starred: bool = False
    #: when a message by someone else last arrived for them; None keeps it out of their inbox
    last_message_at: datetime | None = None
    #: when they last wrote in it (Canvas's ``visible_last_authored_at``; the *sent* scope)
    last_authored_at: datetime | None = None


@dataclass
class Conversation:
    id: int
    subject: str
    #: ``course_<id>`` / ``group_<id>`` or None (Canvas's context_type + context_id)
    context_code: str | None
    private: bool
    participant_ids: list[int]
    messages: list[Message] = field(default_factory=list)
    states: dict[int, ParticipantState] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)


def conversations(store: Store) -> dict[int, Conversation]:
    return store.table("conversations")


# --- who may message whom (Canvas's send_messages permission and messageable users) -----------


def administers(store: Store, user_id: int, account_id: int) -> bool:
    user = store.users[user_id]
    if user.site_admin:
        return True
    acct = store.accounts.get(account_id)
    while acct is not None:
        if acct.id in user.admin_of:
            return True
        acct = store.accounts.get(acct.parent_account_id) if acct.parent_account_id else None
    return False


def current_types(store: Store, user_id: int, course: Course) -> set[str]:
    return {e.type for e in store.enrollments_in(course.id) if e.user_id == user_id}


def can_send_messages(store: Store, user_id: int, course: Course) -> bool:
    """``send_messages`` in a course: on by default for every current enrollment; admins too."""
    return administers(store, user_id, course.account_id) or bool(
        current_types(store, user_id, course)
    )


def can_send_messages_all(store: Store, user_id: int, course: Course) -> bool:
    """``send_messages_all`` (message a whole course at once): teachers, TAs, admins."""
    return administers(store, user_id, course.account_id) or bool(
        current_types(store, user_id, course) & _MANAGING_TYPES
    )


def messageable(store: Store, sender_id: int, recipient_id: int, course: Course | None) -> bool:
    """Whether the sender can reach the recipient, within ``course`` when a context is given.

    A stand-in for Canvas's ``MessageableUser`` calculator: people who share a current course
    (the context course when given) may message each other, and an account admin may message
    anyone in the courses of their account [I: Canvas also restricts students by course
    settings and sections; the sandbox does not].
    """
    if recipient_id not in store.users:
        return False
    courses = [course] if course else list(store.courses.values())
    for c in courses:
        if not current_types(store, recipient_id, c):
            continue
        if administers(store, sender_id, c.account_id) or current_types(store, sender_id, c):
            return True
    return course is None and administers(store, sender_id, store.root_account_id)


def all_instructors(store: Store, course: Course, user_ids: list[int]) -> bool:
    return all(current_types(store, uid, course) & _INSTRUCTOR_TYPES for uid in user_ids)


# --- sending ------------------------------------------------------------------------------------


def _find_private(store: Store, a: int, b: int) -> Conversation | None:
    wanted = sorted({a, b})
    for conv in conversations(store).values():
        if conv.private and sorted(conv.participant_ids) == wanted:
            return conv
    return None


def add_message(store: Store, conv: Conversation, author_id: int, body: str) -> Message:
    """Append a message: unread for everyone else, in the author's *sent* scope."""
    msg = Message(store.next_id("conversation_messages"), author_id, body)
    conv.messages.append(msg)
    for uid in conv.participant_ids:
        state = conv.states.setdefault(uid, ParticipantState())
        if uid == author_id:
            state.last_authored_at = msg.created_at
            if state.workflow_state == "archived":
                state.workflow_state = "read"
        else:
            state.workflow_state = "unread"
            state.last_message_at = msg.created_at
    return msg


def start(
    store: Store,
    sender_id: int,
    recipient_ids: list[int],
    *,
    subject: str,
    body: str,
    context_code: str | None,
    private: bool,
    force_new: bool,
) -> Conversation:
    """One conversation: a private one between two people is reused unless ``force_new``
    (Canvas: "If there is already an existing private conversation with the given recipients,
    it will be reused"; the subject is then ignored)."""
    with store.lock:
        conv = None
        if private and len(recipient_ids) == 1 and not force_new:
            conv = _find_private(store, sender_id, recipient_ids[0])
        if conv is None:
            participants = list(dict.fromkeys([sender_id, *recipient_ids]))
            conv = Conversation(
                id=store.next_id("conversations"),
                subject=subject,
                context_code=context_code,
                private=private and len(recipient_ids) == 1,
                participant_ids=participants,
                states={uid: ParticipantState() for uid in participants},
            )
            conv.states[sender_id].workflow_state = "read"
            conversations(store)[conv.id] = conv
        add_message(store, conv, sender_id, body)
        return conv


# --- reading one person's view ------------------------------------------------------------------

SCOPES = ("inbox", "unread", "starred", "sent", "archived")


def in_scope(conv: Conversation, user_id: int, scope: str) -> bool:
    state = conv.states.get(user_id)
    if state is None or not conv.messages:
        return False
    if scope == "sent":
        return state.last_authored_at is not None
    if scope == "starred":
        return state.starred
    if scope == "archived":
        return state.workflow_state == "archived"
    in_inbox = state.workflow_state != "archived" and state.last_message_at is not None
    if scope == "unread":
        return in_inbox and state.workflow_state == "unread"
    return in_inbox


def matches_filters(conv: Conversation, filters: list[str], mode: str) -> bool:
    """``filter[]`` of ``course_<id>`` / ``user_<id>`` tags, combined with ``and`` / ``or``."""
    if not filters:
        return True
    tags = {f"user_{uid}" for uid in conv.participant_ids}
    if conv.context_code:
        tags.add(conv.context_code)
    hits = [f in tags for f in filters]
    return all(hits) if mode == "and" else any(hits)


def sort_key(conv: Conversation, user_id: int, scope: str) -> tuple[datetime, int]:
    """Most recent first: by the user's latest message time in this scope, then id."""
    state = conv.states[user_id]
    when = state.last_authored_at if scope == "sent" else state.last_message_at
    return (when or conv.created_at, conv.id)


def visible_to(store: Store, user_id: int, scope: str = "inbox") -> list[Conversation]:
    """The user's conversations in ``scope``, most recent first."""
    with store.lock:
        found = [c for c in conversations(store).values() if in_scope(c, user_id, scope)]
    return sorted(found, key=lambda c: sort_key(c, user_id, scope), reverse=True)


def mark_read(conv: Conversation, user_id: int) -> None:
    state = conv.states.get(user_id)
    if state is not None and state.workflow_state == "unread":
        state.workflow_state = "read"
