"""Sending report reminders to mentors' Canvas Inboxes (takes a session and a sender; never
commits — the caller commits after each mentor through ``after_each``, so a crash between two
mentors loses nothing that was sent).

Each mentor with reports at a reminder step gets one private message in the cohort's course,
listing them; every step is recorded per report (``progress_report_reminder``), so repeated runs
send each step once, and a failed send is tried again on the next run.

A step is recorded ``sending`` (and committed, through ``before_send``) before its message goes
to Canvas. When Canvas's answer is lost it stays so, and the next run first settles it
(``reminder_checks``): sent if Canvas has the message, sent again if not; so a re-run never
sends a mentor the same reminder twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ctom_lti.canvas.errors import CanvasWriteUncertain
from ctom_lti.errors import CtomError
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.reports import reminders
from ctom_lti.tools.reports.dashboard import display_name
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.reminder_checks import InboxReader, Unsettled, settle_uncertain
from ctom_lti.tools.reports.reminder_models import FAILED, SENT, ReportReminder
from ctom_lti.tools.reports.reminder_records import record_sending, record_unsendable


class InboxSender(InboxReader, Protocol):
    """What the reminders need of the Canvas gateway."""

    def send_conversation(
        self, course_id: int, recipient_canvas_user_ids: Iterable[int], subject: str, body: str
    ) -> list[Any]: ...


@dataclass(frozen=True)
class MentorMessage:
    """One mentor's reminder: who, and the reports it names."""

    mentor_id: int
    mentor_name: str
    canvas_user_id: str | None
    reminders: tuple[reminders.Reminder, ...]
    report_ids: tuple[int, ...]
    subject: str
    body: str
    #: None when sent (or planned); why not otherwise
    error: str | None = None


@dataclass
class RemindOutcome:
    today: date
    messages: list[MentorMessage] = field(default_factory=list)
    #: earlier sends whose fate Canvas could not be asked about (checked again next run)
    unsettled: list[Unsettled] = field(default_factory=list)

    @property
    def sent(self) -> list[MentorMessage]:
        return [m for m in self.messages if m.error is None]

    @property
    def failed(self) -> list[MentorMessage]:
        return [m for m in self.messages if m.error is not None]


@dataclass(frozen=True)
class _Row:
    report: reminders.ReportFacts
    mentor_id: int
    mentor_name: str
    canvas_user_id: str | None
    candidate_name: str
    month: date


def _rows(session: Session, cohort_id: int, today: date) -> list[_Row]:
    """Owed reports due within the reminders' lead time (or overdue), with what was sent."""
    mentor, candidate = aliased(Person), aliased(Person)
    found = session.execute(
        select(
            ProgressReport.id,
            ProgressReport.status,
            ProgressReport.due_on,
            ProgressReport.month,
            ProgressReport.mentor_person_id,
            display_name(mentor),
            mentor.canvas_user_id,
            display_name(candidate),
        )
        .join(mentor, mentor.id == ProgressReport.mentor_person_id)
        .join(candidate, candidate.id == ProgressReport.candidate_person_id)
        .where(
            ProgressReport.cohort_id == cohort_id,
            ProgressReport.status.in_(reminders.OWED),
            ProgressReport.due_on <= today + timedelta(days=reminders.LEAD_DAYS),
        )
    ).all()
    steps: dict[int, dict[str, str]] = defaultdict(dict)
    if found:
        for report_id, step, status in session.execute(
            select(ReportReminder.report_id, ReportReminder.step, ReportReminder.status).where(
                ReportReminder.cohort_id == cohort_id
            )
        ):
            steps[report_id][step] = status
    return [
        _Row(
            reminders.ReportFacts(r[0], r[1], r[2], steps.get(r[0], {})),
            mentor_id=r[4],
            mentor_name=str(r[5]),
            canvas_user_id=r[6],
            candidate_name=str(r[7]),
            month=r[3],
        )
        for r in found
    ]


def plan(
    session: Session, cohort: Cohort, today: date, *, url: str | None = None
) -> tuple[list[MentorMessage], dict[int, reminders.Decision]]:
    """The messages a run would send today, by mentor, and the decision for each report."""
    rows = _rows(session, cohort.id, today)
    decisions = {d.report_id: d for d in reminders.decide_all((r.report for r in rows), today)}
    by_mentor: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.report.report_id in decisions:
            by_mentor[row.mentor_id].append(row)
    messages = []
    for mentor_rows in sorted(by_mentor.values(), key=lambda rs: rs[0].mentor_name):
        first = mentor_rows[0]
        items = tuple(
            reminders.Reminder(
                r.candidate_name, r.month, r.report.due_on, decisions[r.report.report_id].send or ""
            )
            for r in mentor_rows
        )
        messages.append(
            MentorMessage(
                mentor_id=first.mentor_id,
                mentor_name=first.mentor_name,
                canvas_user_id=first.canvas_user_id,
                reminders=items,
                report_ids=tuple(r.report.report_id for r in mentor_rows),
                subject=reminders.subject(items),
                body=reminders.body(first.mentor_name, items, today, url),
            )
        )
    return messages, decisions


def send_reminders(
    session: Session,
    cohort: Cohort,
    sender: InboxSender,
    *,
    today: date,
    now: datetime,
    url: str | None = None,
    before_send: Callable[[], None] = lambda: None,
    after_each: Callable[[], None] = lambda: None,
) -> RemindOutcome:
    """Send today's reminders and record every step.

    ``before_send`` runs once a mentor's steps are recorded ``sending``, just before the call to
    Canvas (the CLI commits there, so a send is never out of sight); ``after_each`` runs after
    each mentor's outcome is recorded.
    """
    raw_course = cohort.canvas_course_id or ""
    course_id = int(raw_course) if raw_course.isdigit() else None
    outcome = RemindOutcome(today)
    outcome.unsettled = settle_uncertain(session, cohort.id, course_id, sender, now=now)
    after_each()
    messages, decisions = plan(session, cohort, today, url=url)
    for message in messages:
        error = _unsendable(course_id, message)
        if error is not None:
            record_unsendable(
                session, message.report_ids, decisions, cohort_id=cohort.id, now=now, error=error
            )
        else:
            assert course_id is not None
            rows = record_sending(
                session,
                message.report_ids,
                decisions,
                cohort_id=cohort.id,
                now=now,
                digest=reminders.message_digest(message.subject, message.body),
            )
            before_send()
            error = _send(sender, course_id, message, rows, now=now)
        session.flush()
        outcome.messages.append(_with_error(message, error))
        after_each()
    return outcome


def _unsendable(course_id: int | None, message: MentorMessage) -> str | None:
    """Why ``message`` cannot be tried at all, if it cannot."""
    if course_id is None:
        return "The cohort is not linked to a Canvas course yet."
    if not (message.canvas_user_id or "").isdigit():
        return f"{message.mentor_name} has no Canvas user id yet (they never launched)."
    return None


def _send(
    sender: InboxSender,
    course_id: int,
    message: MentorMessage,
    rows: list[ReportReminder],
    *,
    now: datetime,
) -> str | None:
    """Send ``message`` and record what became of it on its ``sending`` rows; why it failed."""
    try:
        made = sender.send_conversation(
            course_id, [int(str(message.canvas_user_id))], message.subject, message.body
        )
    except CanvasWriteUncertain:
        # The rows stay ``sending``: the next run looks in Canvas before sending again.
        error = (
            "Canvas's answer was lost, so it may or may not have the message; the next run "
            "looks in Canvas before sending it again."
        )
        for row in rows:
            row.error = error
        return error
    except CtomError as exc:
        for row in rows:
            row.status, row.error = FAILED, exc.message
        return exc.message
    conversation_id = str(made[0].id) if made else None
    for row in rows:
        row.status, row.error = SENT, ""
        row.sent_at, row.conversation_id = now, conversation_id
    return None


def _with_error(message: MentorMessage, error: str | None) -> MentorMessage:
    if error is None:
        return message
    return MentorMessage(**{**message.__dict__, "error": error})
