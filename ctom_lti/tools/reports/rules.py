"""The report's pure core: its parts, what a submission needs, who may do what in which status,
what a candidate may read, and what each status means for completion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from ctom_lti.tools.reports.models import ACKNOWLEDGED, DRAFT, NOT_STARTED, RETURNED, SUBMITTED

ON_TRACK = "on_track"
NEEDS_ATTENTION = "needs_attention"
AT_RISK = "at_risk"
OVERALL_LABELS = {
    ON_TRACK: "On track",
    NEEDS_ATTENTION: "Needs attention",
    AT_RISK: "At risk",
}
MODES = {"in_person": "In person", "video": "Video", "phone": "Phone"}
RATINGS = {
    "beginning": "Beginning",
    "progressing": "Progressing",
    "secure": "Secure",
}
RISKS = {
    "attendance": "Attendance",
    "workload": "Workload",
    "assignments": "Assignments",
}
#: The parts of a report, in the order it shows them; the mentor chooses which the candidate
#: may read.
PARTS = {
    "meetings": "Meetings held",
    "communication": "Communication",
    "principles": "Principles worked on",
    "assignments": "Assignments reviewed",
    "strengths": "Strengths",
    "concerns": "Concerns and risks",
    "next_steps": "Agreed next steps",
    "overall": "Overall status",
}
#: What a mentor shares unless they choose otherwise: the encouraging and the agreed parts.
DEFAULT_SHARED = ("meetings", "strengths", "next_steps")
#: Statuses in which the mentor may still change the report.
EDITABLE = (NOT_STARTED, DRAFT, RETURNED)
#: Statuses that count as handed in.
HANDED_IN = (SUBMITTED, ACKNOWLEDGED)


@dataclass(frozen=True)
class Meeting:
    on: date
    mode: str
    minutes: int


@dataclass(frozen=True)
class PrincipleProgress:
    key: str
    rating: str
    note: str = ""


@dataclass(frozen=True)
class ReportContent:
    """What the mentor wrote (stored as JSON in ``ProgressReport.content``)."""

    meetings: tuple[Meeting, ...] = ()
    communication: str = ""
    principles: tuple[PrincipleProgress, ...] = ()
    prerequisites_reviewed: str = ""
    assignments_reviewed: str = ""
    strengths: str = ""
    concerns: str = ""
    risks: tuple[str, ...] = ()
    next_steps: str = ""
    overall: str | None = None
    shared: tuple[str, ...] = field(default=DEFAULT_SHARED)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["meetings"] = [
            {"on": m.on.isoformat(), "mode": m.mode, "minutes": m.minutes} for m in self.meetings
        ]
        data["principles"] = [asdict(p) for p in self.principles]
        data["risks"] = list(self.risks)
        data["shared"] = list(self.shared)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ReportContent:
        data = data or {}
        return cls(
            meetings=tuple(
                Meeting(date.fromisoformat(m["on"]), str(m["mode"]), int(m["minutes"]))
                for m in data.get("meetings", ())
            ),
            communication=str(data.get("communication", "")),
            principles=tuple(
                PrincipleProgress(str(p["key"]), str(p["rating"]), str(p.get("note", "")))
                for p in data.get("principles", ())
            ),
            prerequisites_reviewed=str(data.get("prerequisites_reviewed", "")),
            assignments_reviewed=str(data.get("assignments_reviewed", "")),
            strengths=str(data.get("strengths", "")),
            concerns=str(data.get("concerns", "")),
            risks=tuple(str(r) for r in data.get("risks", ())),
            next_steps=str(data.get("next_steps", "")),
            overall=data.get("overall"),
            shared=tuple(str(s) for s in data.get("shared", DEFAULT_SHARED)),
        )

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.meetings)


def changed_parts(before: ReportContent, after: ReportContent) -> list[str]:
    """The names of the fields that differ (for the audit log)."""
    old, new = before.to_json(), after.to_json()
    return [name for name in new if old.get(name) != new[name]]


def missing_for_submission(content: ReportContent) -> dict[str, str]:
    """What a report still needs before it can be submitted, by field: empty when complete."""
    missing: dict[str, str] = {}
    if not content.meetings and not content.communication.strip():
        missing["meetings"] = (
            "Add the meetings you held, or say under Communication how you kept in touch."
        )
    if not content.next_steps.strip():
        missing["next_steps"] = "Write the next steps you agreed with the candidate."
    if content.overall not in OVERALL_LABELS:
        missing["overall"] = "Choose the candidate's overall status."
    if content.overall in {NEEDS_ATTENTION, AT_RISK} and not content.concerns.strip():
        missing["concerns"] = "Say what needs attention, under Concerns and risks."
    return missing


Action = Literal["save", "submit", "acknowledge", "return"]


@dataclass(frozen=True)
class Decision:
    """Whether an action may happen, the status it leads to, and why not when refused."""

    allowed: bool
    status: str = ""
    refused: str = ""


def decide(action: Action, status: str, *, is_author: bool, is_staff: bool) -> Decision:
    """Who may do what in which status.

    The mentor who wrote it saves and submits while it is not started, a draft or returned;
    submitting locks it. Staff acknowledge or return a submitted report (and may return an
    acknowledged one, e.g. when something surfaced later).
    """
    if action in {"save", "submit"}:
        return _write(action, status, is_author=is_author)
    if not is_staff:
        return Decision(False, refused="Only instructors and admins review reports.")
    if action == "acknowledge":
        if status != SUBMITTED:
            return Decision(False, refused="Only a submitted report can be acknowledged.")
        return Decision(True, ACKNOWLEDGED)
    if status not in HANDED_IN:
        return Decision(False, refused="Only a submitted report can be returned.")
    return Decision(True, RETURNED)


def _write(action: Action, status: str, *, is_author: bool) -> Decision:
    if not is_author:
        return Decision(False, refused="Only the candidate's mentor writes this report.")
    if status not in EDITABLE:
        return Decision(
            False,
            refused="This report is submitted and locked. An instructor can return it to you "
            "for revision.",
        )
    if action == "submit":
        return Decision(True, SUBMITTED)
    return Decision(True, RETURNED if status == RETURNED else DRAFT)


def shared_view(content: ReportContent) -> dict[str, bool]:
    """Which parts the candidate may read, by part name."""
    return {part: part in content.shared for part in PARTS}


def clean_shared(parts: Iterable[str]) -> tuple[str, ...]:
    """The chosen parts that exist, in the report's order."""
    chosen = set(parts)
    return tuple(p for p in PARTS if p in chosen)


CompletionState = Literal["done", "returned", "in_progress", "missing"]


def completion_state(statuses: Sequence[str]) -> CompletionState:
    """One programme month's completion state, from the statuses of its reports (a re-paired
    month has one per mentor): done when every one is handed in."""
    if statuses and all(s in HANDED_IN for s in statuses):
        return "done"
    if RETURNED in statuses:
        return "returned"
    if DRAFT in statuses or any(s in HANDED_IN for s in statuses):
        return "in_progress"
    return "missing"


Access = Literal["edit", "read", "review", "shared"]


def access(
    viewer_id: int, *, is_staff: bool, mentor_id: int, candidate_id: int, status: str
) -> Access | None:
    """What a viewer may do with one report: its mentor edits it while it is open and reads it
    once submitted; staff review it; its candidate reads the shared parts once it is handed in.
    Anyone else: nothing (the report is not shown to exist)."""
    if viewer_id == mentor_id:
        return "edit" if status in EDITABLE else "read"
    if is_staff:
        return "review"
    if viewer_id == candidate_id and status in HANDED_IN:
        return "shared"
    return None
