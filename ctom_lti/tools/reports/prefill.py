"""What the tool knows for a report before the mentor writes it: the candidate's Canvas pass/fail
results and session attendance in the month (the gradebook read in bulk through the Canvas
gateway), and the next steps agreed in the previous month's report.

:func:`known_facts` gathers them (one Canvas call); :func:`prefilled` is the pure step that turns
them into a first draft the mentor edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.canvas import CanvasGateway
from ctom_lti.canvas.dto import GradebookEntry
from ctom_lti.canvas_sync.models import SyncMapping
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.curriculum import load_curriculum
from ctom_lti.errors import CtomError
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.rules import ReportContent

ATTENDANCE, PREREQUISITE, ASSIGNMENT = "attendance", "prerequisite", "assignment"
GRADE_WORDS = {"complete": "complete", "incomplete": "incomplete", "pass": "complete"}


@dataclass(frozen=True)
class Result:
    """One gradebook result that concerns the report's month."""

    kind: str
    name: str
    #: ``complete``, ``incomplete``, ``excused``, ``submitted, not graded yet`` or ``missing``
    outcome: str


@dataclass(frozen=True)
class KnownFacts:
    results: tuple[Result, ...] = ()
    #: Why Canvas could not be read, in words for the mentor; None when it was.
    canvas_problem: str | None = None
    #: The next steps agreed in the candidate's previous report.
    last_next_steps: str = ""
    #: The sessions held in the report's period: (title, first day).
    sessions: tuple[tuple[str, date], ...] = ()


def _mapped_assignments(session: Session, cohort_id: int) -> dict[str, int]:
    rows = session.execute(
        select(SyncMapping.desired_key, SyncMapping.canvas_id).where(
            SyncMapping.cohort_id == cohort_id, SyncMapping.kind == "assignment"
        )
    ).all()
    return {str(key).removeprefix("assignment:"): int(canvas_id) for key, canvas_id in rows}


def _concerned(
    cohort: Cohort, report: ProgressReport
) -> tuple[dict[str, tuple[str, str]], tuple[tuple[str, date], ...]]:
    """Assignment keys that belong to the report's period: key -> (kind, name); and its
    sessions."""
    cal = calendar_of(cohort)
    if cal is None:
        return {}, ()
    start, end = report.period_start, report.period_end
    held = [s for s in cal.sessions if start <= s.date <= end]
    wanted: dict[str, tuple[str, str]] = {}
    for s in held:
        label = f"Session {s.number}"
        wanted[f"{s.key}-attendance"] = (ATTENDANCE, f"{label} attendance")
        wanted[f"{s.key}-pre-session"] = (PREREQUISITE, f"{label} pre-session assignment")
    numbers = {s.number for s in held}
    due_at = (cohort.settings or {}).get("principle_sessions", {})
    for principle in load_curriculum().principles:
        if due_at.get(principle.key) in numbers:
            wanted[f"principle-{principle.key}-assignment"] = (ASSIGNMENT, principle.name)
    return wanted, tuple((s.title, s.date) for s in held)


def _outcome(entry: GradebookEntry | None) -> str:
    if entry is None:
        return "missing"
    if entry.excused:
        return "excused"
    if entry.grade:
        return GRADE_WORDS.get(entry.grade, entry.grade)
    if entry.workflow_state in {"submitted", "pending_review"}:
        return "submitted, not graded yet"
    return "missing"


def _last_next_steps(session: Session, report: ProgressReport) -> str:
    before = session.scalars(
        select(ProgressReport)
        .where(
            ProgressReport.cohort_id == report.cohort_id,
            ProgressReport.candidate_person_id == report.candidate_person_id,
            ProgressReport.month < report.month,
        )
        .order_by(ProgressReport.month.desc(), ProgressReport.period_end.desc())
        .limit(1)
    ).first()
    return str((before.content or {}).get("next_steps", "")) if before else ""


def known_facts(
    session: Session, report: ProgressReport, gateway: CanvasGateway | None, problem: str = ""
) -> KnownFacts:
    """What the tool knows for ``report``.

    :param gateway: the cohort's Canvas gateway; None when it could not be made (``problem``
        says why).
    """
    cohort = session.get(Cohort, report.cohort_id)
    assert cohort is not None
    wanted, sessions = _concerned(cohort, report)
    facts = KnownFacts(last_next_steps=_last_next_steps(session, report), sessions=sessions)
    if not wanted:
        return facts
    if gateway is None:
        return replace(facts, canvas_problem=problem or "Canvas could not be reached.")
    candidate = session.get(Person, report.candidate_person_id)
    mapped = _mapped_assignments(session, cohort.id)
    ids = {mapped[key]: key for key in wanted if key in mapped}
    if candidate is None or not candidate.canvas_user_id or not cohort.canvas_course_id or not ids:
        return replace(
            facts,
            canvas_problem="The candidate's Canvas results are not linked yet (the course has "
            "not been synced, or the candidate has not opened the tool).",
        )
    try:
        entries = gateway.get_gradebook(int(cohort.canvas_course_id), ids)
    except CtomError as exc:
        return replace(facts, canvas_problem=f"Canvas could not be read: {exc.message}")
    mine = {e.assignment_id: e for e in entries if str(e.user_id) == candidate.canvas_user_id}
    results = tuple(
        Result(wanted[key][0], wanted[key][1], _outcome(mine.get(canvas_id)))
        for canvas_id, key in sorted(ids.items(), key=lambda item: _order(wanted, item[1]))
    )
    return replace(facts, results=results)


def _order(wanted: dict[str, tuple[str, str]], key: str) -> tuple[int, str]:
    kind, name = wanted[key]
    return ((ATTENDANCE, PREREQUISITE, ASSIGNMENT).index(kind), name)


def _lines(results: Iterable[Result]) -> str:
    return "\n".join(f"{r.name}: {r.outcome}" for r in results)


def prefilled(facts: KnownFacts, content: ReportContent) -> ReportContent:
    """A first draft from what the tool knows; fields the mentor already wrote are kept."""
    prerequisites = [r for r in facts.results if r.kind == PREREQUISITE]
    assignments = [r for r in facts.results if r.kind == ASSIGNMENT]
    missed = [r for r in facts.results if r.kind == ATTENDANCE and r.outcome == "incomplete"]
    risks = content.risks
    if missed and "attendance" not in risks:
        risks = ("attendance", *risks)
    return replace(
        content,
        prerequisites_reviewed=content.prerequisites_reviewed or _lines(prerequisites),
        assignments_reviewed=content.assignments_reviewed or _lines(assignments),
        risks=risks,
    )
