"""Reminders about reports coming due: which step is due for a report today, and what the mentor's
Canvas Inbox message says (pure: frozen dataclasses in, decisions out).

Three steps per report — three days before its due day, on the due day, and seven days after —
each sent at most once. When a run finds several steps due at once (the job did not run for a
while, or a returned report is already late), only the most pressing one is sent and the earlier
ones are marked skipped, so a mentor never gets a pile of messages about one report. A step that
failed is tried again on the next run while it is still the most pressing one; one whose
sending was never confirmed waits until the next run has looked for it in Canvas.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ctom_lti.tools.reports.reminder_models import FAILED, SENDING, SENT, SKIPPED
from ctom_lti.tools.reports.schedule import month_label

BEFORE = "before"
DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Step:
    name: str
    #: days from the due day on which the step becomes due (negative: before it)
    offset: int
    #: how the dashboard names it
    label: str


STEPS = (
    Step(BEFORE, -3, "3 days before"),
    Step(DUE, 0, "on the due day"),
    Step(OVERDUE, 7, "7 days overdue"),
)
STEP_LABELS = {s.name: s.label for s in STEPS}
#: Report statuses in which the mentor still owes the report (reminders stop once submitted).
OWED = ("not_started", "draft", "returned")
#: How far ahead the earliest step looks: reports due later need nothing yet.
LEAD_DAYS = -STEPS[0].offset


@dataclass(frozen=True)
class ReportFacts:
    """What the decision needs of one report."""

    report_id: int
    status: str
    due_on: date
    #: step name -> its recorded status (``sent`` / ``failed`` / ``skipped`` / ``sending``)
    steps: Mapping[str, str]


@dataclass(frozen=True)
class Decision:
    report_id: int
    #: the step to send now, or None
    send: str | None
    #: earlier steps never sent that the one sent now makes moot
    skip: tuple[str, ...] = ()


def steps_reached(due_on: date, today: date) -> tuple[Step, ...]:
    """The steps whose day has come by ``today`` (the cohort's local date), in order."""
    return tuple(s for s in STEPS if today >= due_on + timedelta(days=s.offset))


def decide(report: ReportFacts, today: date) -> Decision:
    """Which step to send for ``report`` today, and which earlier ones to mark skipped."""
    reached = steps_reached(report.due_on, today)
    if report.status not in OWED or not reached:
        return Decision(report.report_id, None)
    latest = reached[-1].name
    # ``sending``: it may be in the mentor's Inbox already; the run looks in Canvas first.
    if report.steps.get(latest) in (SENT, SKIPPED, SENDING):
        return Decision(report.report_id, None)
    moot = tuple(s.name for s in reached[:-1] if report.steps.get(s.name) not in (SENT, SKIPPED))
    return Decision(report.report_id, latest, moot)


def decide_all(reports: Iterable[ReportFacts], today: date) -> list[Decision]:
    """Decisions for the reports that need something done today."""
    found = (decide(r, today) for r in reports)
    return [d for d in found if d.send is not None]


def retrying(report: ReportFacts, decision: Decision) -> bool:
    """Whether sending ``decision`` repeats an attempt that failed before."""
    return decision.send is not None and report.steps.get(decision.send) == FAILED


@dataclass(frozen=True)
class Reminder:
    """One line of a mentor's message: a report and the step it is at."""

    candidate_name: str
    month: date
    due_on: date
    step: str


def subject(reminders: Sequence[Reminder]) -> str:
    """The message's subject: the most pressing step first."""
    late = [r for r in reminders if r.step == OVERDUE]
    if late:
        return "Overdue: monthly mentor report" + ("s" if len(reminders) > 1 else "")
    if any(r.step == DUE for r in reminders):
        return "Due today: monthly mentor report" + ("s" if len(reminders) > 1 else "")
    return "Coming due: monthly mentor report" + ("s" if len(reminders) > 1 else "")


def body(mentor_name: str, reminders: Sequence[Reminder], today: date, url: str | None) -> str:
    """A plain-text message (Canvas Inbox bodies are plain text)."""
    lines = [f"Hello {mentor_name},", ""]
    lines.append(
        "This is a reminder about your monthly progress report"
        + ("s" if len(reminders) > 1 else "")
        + " in the CTO Mentor Program:"
    )
    lines.append("")
    for r in sorted(reminders, key=lambda r: (r.due_on, r.candidate_name)):
        days = (r.due_on - today).days
        if days > 0:
            when = f"due on {r.due_on:%A %-d %B} (in {days} day{'s' if days > 1 else ''})"
        elif days == 0:
            when = "due today"
        else:
            when = f"overdue since {r.due_on:%-d %B} ({-days} day{'s' if days < -1 else ''})"
        lines.append(f"- {r.candidate_name}, {month_label(r.month)}: {when}")
    lines.append("")
    if url:
        lines.append(f"Open the Reports page to write or finish them: {url}")
    else:
        lines.append("Open CTO Mentor from the course navigation and choose Reports.")
    lines.append("")
    lines.append("Thank you for mentoring.")
    return "\n".join(lines)


def message_digest(subject: str, body: str) -> str:
    """What identifies a message among those Canvas says were sent (line endings and the
    whitespace around the text do not count: Canvas may store them differently)."""
    text = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(f"{subject.strip()}\n\n{text}".encode()).hexdigest()
