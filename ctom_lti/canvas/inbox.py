"""Gateway calls for the Canvas Inbox: sending a conversation, and finding what one sent
(Conversations API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ctom_lti.canvas.base import GatewayBase
from ctom_lti.canvas.convert import MalformedReply, required_int
from ctom_lti.canvas.dto import CanvasConversation, CanvasMessage


def conversation_from(raw: Any) -> CanvasConversation:
    participants = raw.get("participants") if isinstance(raw, dict) else None
    return CanvasConversation(
        id=required_int(raw, "id"),
        subject=str(raw.get("subject") or ""),
        context_code=raw.get("context_code"),
        participant_ids=tuple(
            int(p["id"]) for p in participants or () if isinstance(p, dict) and "id" in p
        ),
        messages=tuple(
            CanvasMessage(
                id=required_int(m, "id"),
                author_id=int(m["author_id"]) if m.get("author_id") is not None else None,
                body=str(m.get("body") or ""),
            )
            for m in (raw.get("messages") or () if isinstance(raw, dict) else ())
            if isinstance(m, dict)
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

    def sent_conversations(
        self, course_id: int, recipient_canvas_user_id: int
    ) -> list[CanvasConversation]:
        """The conversations the caller wrote in, in the course's context, with the recipient:
        most recent first, without their messages (see :meth:`conversation`).

        :calls: ``GET /api/v1/conversations?scope=sent&filter[]=course_<id>&filter[]=user_<id>
            &filter_mode=and``
        """

        def read() -> list[CanvasConversation]:
            rows = self._json_pages(
                "conversations",
                scope="sent",
                filter=[f"course_{course_id}", f"user_{recipient_canvas_user_id}"],
                filter_mode="and",
                per_page=50,
            )
            return [conversation_from(r) for r in rows]

        return self._call("GET conversations", read)

    def conversation(self, conversation_id: int) -> CanvasConversation:
        """One of the caller's conversations with its messages (not marked read by reading it).

        :calls: ``GET /api/v1/conversations/:id?auto_mark_as_read=false``
        """

        def read() -> CanvasConversation:
            raw = self._requester.request(
                "GET",
                f"conversations/{conversation_id}",
                _kwargs=[("auto_mark_as_read", "false")],
            ).json()
            return conversation_from(raw)

        return self._call("GET conversation", read)
