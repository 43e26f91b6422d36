"""Settling the reminders an earlier run left ``sending`` (takes a session and an Inbox reader;
never commits).

A step stays ``sending`` when Canvas's answer to the send was lost, or the job stopped between
recording the step and hearing back. The message may be in the mentor's Inbox or not; Canvas
knows. Its Conversations API lists what the sender wrote in the course to the mentor
(``scope=sent``, filtered by both); a conversation no reminder accounts for yet whose message has
the digest recorded for the step is the one sent, and the step is ``sent``. None: the step is
``failed``, so this run sends it. When Canvas cannot be asked, the step stays ``sending`` and
nothing is sent for it until a later run can ask.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.errors import CtomError
from ctom_lti.models import Person
from ctom_lti.tools.reports.dashboard import display_name
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.reminder_models import FAILED, SENDING, SENT, ReportReminder
from ctom_lti.tools.reports.reminders import message_digest

#: How many of the most recent conversations with the mentor are read one by one (a reminder
#: is looked for on the run after it was tried, so it is among the newest).
LOOK_BACK = 10

NOT_IN_CANVAS = "Canvas has no record of this reminder; it is sent again."


class InboxReader(Protocol):
    """What settling needs of the Canvas gateway."""

    def sent_conversations(self, course_id: int, recipient_canvas_user_id: int) -> list[Any]: ...

    def conversation(self, conversation_id: int) -> Any: ...


@dataclass(frozen=True)
class Unsettled:
    """A mentor's reminder whose fate Canvas could not be asked about (asked again next run)."""

    mentor_name: str
    reports: int
    error: str


def settle_uncertain(
    session: Session,
    cohort_id: int,
    course_id: int | None,
    reader: InboxReader,
    *,
    now: datetime,
) -> list[Unsettled]:
    """Mark each ``sending`` step of the cohort ``sent`` or ``failed`` by what Canvas has."""
    found = session.execute(
        select(ReportReminder, Person.canvas_user_id, display_name(Person))
        .join(ProgressReport, ProgressReport.id == ReportReminder.report_id)
        .join(Person, Person.id == ProgressReport.mentor_person_id)
        .where(ReportReminder.cohort_id == cohort_id, ReportReminder.status == SENDING)
    ).all()
    if not found:
        return []
    known = {
        str(c)
        for c in session.scalars(
            select(ReportReminder.conversation_id).where(
                ReportReminder.cohort_id == cohort_id, ReportReminder.conversation_id.is_not(None)
            )
        )
    }
    groups: dict[tuple[str, str, str], list[ReportReminder]] = defaultdict(list)
    for row, canvas_user_id, name in found:
        groups[(canvas_user_id or "", row.message_digest or "", str(name))].append(row)
    unsettled = []
    for (canvas_user_id, digest, name), rows in groups.items():
        if course_id is None or not canvas_user_id.isdigit() or not digest:
            _settle(rows, None, now)  # never reached Canvas: nothing to look for
            continue
        try:
            landed = _find(reader, course_id, int(canvas_user_id), digest, known)
        except CtomError as exc:
            unsettled.append(Unsettled(name, len(rows), exc.message))
            continue
        _settle(rows, landed, now)
        if landed is not None:
            known.add(landed)
    session.flush()
    return unsettled


def _find(
    reader: InboxReader, course_id: int, mentor: int, digest: str, known: set[str]
) -> str | None:
    """The id of the conversation holding the message with ``digest``, if Canvas has it."""
    for listed in reader.sent_conversations(course_id, mentor)[:LOOK_BACK]:
        if str(listed.id) in known:
            continue
        full = reader.conversation(int(listed.id))
        if any(message_digest(full.subject, m.body) == digest for m in full.messages):
            return str(listed.id)
    return None


def _settle(rows: list[ReportReminder], conversation_id: str | None, now: datetime) -> None:
    for row in rows:
        if conversation_id is None:
            row.status, row.error = FAILED, NOT_IN_CANVAS
        else:
            row.status, row.error = SENT, ""
            row.sent_at, row.conversation_id = row.last_tried_at or now, conversation_id
