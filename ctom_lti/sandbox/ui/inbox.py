"""Each signed-in person's Canvas Inbox: their conversations, and one conversation's messages.

Canvas delivers Inbox messages by each person's notification preferences; the sandbox only
shows them, so a test or a demo can see what a tool sent through the Conversations API.
"""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from ctom_lti.sandbox import conversations as inbox
from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.ui.access import UiError, require_user
from ctom_lti.sandbox.ui.blueprint import bp, page

_SCOPE_LABELS = {"inbox": "Inbox", "unread": "Unread", "sent": "Sent", "archived": "Archived"}


@bp.get("/conversations")
def inbox_page() -> Response:
    store = current_sandbox().store
    user = require_user(store)
    scope = request.args.get("scope", "inbox")
    scope = scope if scope in _SCOPE_LABELS else "inbox"
    found = inbox.visible_to(store, user.id, scope)
    names = {uid: u.name for uid, u in store.users.items()}
    return page(
        "sandbox_ui/inbox.html",
        conversations=found,
        scope=scope,
        scopes=_SCOPE_LABELS,
        names=names,
        user_id=user.id,
    )


@bp.get("/conversations/<int:conversation_id>")
def conversation_page(conversation_id: int) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    with store.lock:
        conv = inbox.conversations(store).get(conversation_id)
        if conv is None or user.id not in conv.states:
            raise UiError("Conversation not found", "It is not in your Inbox.", 404)
        inbox.mark_read(conv, user.id)
        messages = list(reversed(conv.messages))
    names = {uid: u.name for uid, u in store.users.items()}
    return page("sandbox_ui/conversation.html", conv=conv, messages=messages, names=names)
