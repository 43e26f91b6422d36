"""Sending report reminders to mentors' Canvas Inboxes (takes a session and a sender; never
commits — the caller commits after each mentor through ``after_each``, so a crash between two
mentors loses nothing that was sent).

Each mentor with reports at a reminder step gets one private message in the cohort's course,
listing them; every step is recorded per report (``progress_report_reminder``), so repeated runs
send each step once, and a failed send is tried again on the next run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ctom_lti.errors import CtomError
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.reports import reminders
from ctom_lti.tools.reports.dashboard import display_name
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.reminder_models import FAILED, SENT, SKIPPED, ReportReminder


class InboxSender(Protocol):
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
    after_each: Callable[[], None] = lambda: None,
) -> RemindOutcome:
    """Send today's reminders and record every step; ``after_each`` runs after each mentor's."""
    messages, decisions = plan(session, cohort, today, url=url)
    outcome = RemindOutcome(today)
    raw_course = cohort.canvas_course_id or ""
    course_id = int(raw_course) if raw_course.isdigit() else None
    for message in messages:
        error = None
        conversation_id = None
        if course_id is None:
            error = "The cohort is not linked to a Canvas course yet."
        elif not (message.canvas_user_id or "").isdigit():
            error = f"{message.mentor_name} has no Canvas user id yet (they never launched)."
        else:
            try:
                made = sender.send_conversation(
                    course_id, [int(str(message.canvas_user_id))], message.subject, message.body
                )
                conversation_id = str(made[0].id) if made else None
            except CtomError as exc:
                error = exc.message
        _record(
            session,
            message,
            decisions,
            cohort_id=cohort.id,
            now=now,
            error=error,
            conversation_id=conversation_id,
        )
        outcome.messages.append(_with_error(message, error))
        after_each()
    return outcome


def _with_error(message: MentorMessage, error: str | None) -> MentorMessage:
    if error is None:
        return message
    return MentorMessage(**{**message.__dict__, "error": error})


def _record(
    session: Session,
    message: MentorMessage,
    decisions: dict[int, reminders.Decision],
    *,
    cohort_id: int,
    now: datetime,
    error: str | None,
    conversation_id: str | None,
) -> None:
    existing = {
        (r.report_id, r.step): r
        for r in session.scalars(
            select(ReportReminder).where(ReportReminder.report_id.in_(message.report_ids))
        )
    }

    def row(report_id: int, step: str) -> ReportReminder:
        found = existing.get((report_id, step))
        if found is None:
            found = ReportReminder(
                report_id=report_id,
                cohort_id=cohort_id,
                step=step,
                status=FAILED,
                attempts=0,
                first_tried_at=now,
            )
            session.add(found)
        return found

    for report_id in message.report_ids:
        decision = decisions[report_id]
        assert decision.send is not None
        sent = row(report_id, decision.send)
        sent.attempts += 1
        sent.last_tried_at = now
        sent.status = FAILED if error else SENT
        sent.error = error or ""
        if error is None:
            sent.sent_at = now
            sent.conversation_id = conversation_id
            for step in decision.skip:
                skipped = row(report_id, step)
                skipped.status = SKIPPED
                skipped.last_tried_at = now
    session.flush()
