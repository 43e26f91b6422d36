"""Gateway calls for the Canvas Inbox: sending a conversation (Conversations API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ctom_lti.canvas.base import GatewayBase
from ctom_lti.canvas.convert import MalformedReply, required_int
from ctom_lti.canvas.dto import CanvasConversation


def conversation_from(raw: Any) -> CanvasConversation:
    participants = raw.get("participants") if isinstance(raw, dict) else None
    return CanvasConversation(
        id=required_int(raw, "id"),
        subject=str(raw.get("subject") or ""),
        context_code=raw.get("context_code"),
        participant_ids=tuple(
            int(p["id"]) for p in participants or () if isinstance(p, dict) and "id" in p
        ),
    )


class InboxCalls(GatewayBase):
    """Canvas Inbox messages (see :class:`~ctom_lti.canvas.gateway.CanvasGateway`)."""

    def send_conversation(
        self,
        course_id: int,
        recipient_canvas_user_ids: Iterable[int],
        subject: str,
        body: str,
    ) -> list[CanvasConversation]:
        """Send each recipient a new private Inbox message in the course's context.

        ``force_new`` makes a new conversation each time rather than adding to an older one, so
        every reminder stands on its own; Canvas then notifies each recipient by their own
        notification preferences. Not repeated when Canvas may have received it (a lost answer is
        :class:`~ctom_lti.canvas.errors.CanvasWriteUncertain`); throttled sends are retried.

        :param recipient_canvas_user_ids: Canvas user ids (not LTI ``sub`` s).
        :returns: the conversations Canvas made, one per recipient.
        :calls: ``POST /api/v1/conversations`` (canvasapi ``Canvas.create_conversation``)
        """
        recipients = [str(uid) for uid in dict.fromkeys(recipient_canvas_user_ids)]
        if not recipients:
            return []

        def send() -> list[CanvasConversation]:
            made = self._canvas.create_conversation(
                recipients,
                body,
                subject=subject,
                context_code=f"course_{course_id}",
                force_new=True,
                group_conversation=False,
                mode="sync",
            )
            if not isinstance(made, list):
                raise MalformedReply("conversations")
            return [conversation_from(c.__dict__) for c in made]

        return self._call("POST conversations", send, idempotent=False)
