"""What a sync did (or, for a dry run, would do): counts per object, every action, what next.

Counts are per desired object, not per request: a module that was created and then published is
one "created". ``unchanged`` objects needed no write at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ctom_lti.canvas.retry import CallCounts
from ctom_lti.canvas_sync.actions import Action, Blocked, CreateAssignment
from ctom_lti.canvas_sync.module_actions import CreateItem, CreateModule
from ctom_lti.canvas_sync.outcome import STATUS_OF_OP, Outcome, Status
from ctom_lti.canvas_sync.planner import Plan

COUNT_NAMES = ("created", "updated", "unchanged", "deleted", "failed", "skipped")
#: How an object's action statuses combine: the first one present wins.
_PRECEDENCE = ("failed", "created", "deleted", "updated", "skipped", "unchanged")


@dataclass(frozen=True)
class ActionReport:
    id: str
    op: str
    kind: str
    key: str
    title: str
    status: str
    detail: str = ""
    canvas_id: int | None = None
    error: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class SyncReport:
    """The result of a sync run (or the forecast of a dry run)."""

    canvas_url: str
    sis_course_id: str
    course_name: str
    course_id: int | None
    dry_run: bool
    prune: bool
    scope: str
    started_at: datetime
    finished_at: datetime
    counts: dict[str, int]
    api: CallCounts
    actions: tuple[ActionReport, ...]
    warnings: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.counts.get("failed", 0) == 0

    @property
    def course_url(self) -> str | None:
        return f"{self.canvas_url}/courses/{self.course_id}" if self.course_id else None

    def to_json(self) -> dict[str, Any]:
        return {
            "canvas_url": self.canvas_url,
            "course": {
                "id": self.course_id,
                "name": self.course_name,
                "sis_course_id": self.sis_course_id,
                "url": self.course_url,
            },
            "dry_run": self.dry_run,
            "prune": self.prune,
            "scope": self.scope,
            "status": "planned" if self.dry_run else ("succeeded" if self.ok else "failed"),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "duration_seconds": round((self.finished_at - self.started_at).total_seconds(), 3),
            "counts": dict(self.counts),
            "api_calls": asdict(self.api),
            "actions": [asdict(a) for a in self.actions],
            "warnings": list(self.warnings),
            "next_steps": list(self.next_steps),
        }


def _object_counts(
    actions: Sequence[Action], statuses: Sequence[str], unchanged: Sequence[str]
) -> dict[str, int]:
    per_key: dict[str, set[str]] = {}
    for action, status in zip(actions, statuses, strict=True):
        bucket = per_key.setdefault(action.key, set())
        if status == Status.BLOCKED:
            fails = not isinstance(action, Blocked) or action.fails
            bucket.add("failed" if fails else "skipped")
        elif status == Status.ADOPTED:
            bucket.add("unchanged")
        else:
            bucket.add(status)
    for key in unchanged:
        per_key.setdefault(key, set()).add("unchanged")
    counts: Counter[str] = Counter()
    for bucket in per_key.values():
        counts[next(s for s in _PRECEDENCE if s in bucket)] += 1
    return {name: counts.get(name, 0) for name in COUNT_NAMES}


def build_report(
    plan: Plan,
    outcomes: Sequence[Outcome] | None,
    *,
    canvas_url: str,
    sis_course_id: str,
    course_name: str,
    course_id: int | None,
    prune: bool,
    scope: str,
    started_at: datetime,
    finished_at: datetime,
    api: CallCounts,
) -> SyncReport:
    """Summarise a run; ``outcomes=None`` reports the plan itself (a dry run)."""
    actions = list(plan.actions)
    if outcomes is None:
        statuses = [STATUS_OF_OP.get(a.op, "") for a in actions]
        results = [
            ActionReport(
                a.id,
                a.op,
                a.kind,
                a.key,
                a.title,
                s,
                a.detail(),
                error=a.reason if isinstance(a, Blocked) else None,
            )
            for a, s in zip(actions, statuses, strict=True)
        ]
    else:
        statuses = [o.status for o in outcomes]
        results = [
            ActionReport(
                o.action.id,
                o.action.op,
                o.action.kind,
                o.action.key,
                o.action.title,
                o.status,
                o.action.detail() + (" (found after an unconfirmed create)" if o.recovered else ""),
                canvas_id=o.ref.id if o.ref else None,
                error=o.error,
                hint=o.hint,
            )
            for o in outcomes
        ]
    counts = _object_counts(actions, statuses, plan.unchanged)
    return SyncReport(
        canvas_url=canvas_url,
        sis_course_id=sis_course_id,
        course_name=course_name,
        course_id=course_id,
        dry_run=outcomes is None,
        prune=prune,
        scope=scope,
        started_at=started_at,
        finished_at=finished_at,
        counts=counts,
        api=api,
        actions=tuple(results),
        warnings=plan.warnings,
        next_steps=tuple(_next_steps(results, dry_run=outcomes is None)),
    )


def _next_steps(results: Sequence[ActionReport], *, dry_run: bool) -> list[str]:
    steps: list[str] = []
    hints = dict.fromkeys(r.hint for r in results if r.status == Status.FAILED and r.hint)
    steps.extend(h for h in hints if h)
    blocked: dict[str, list[ActionReport]] = {}
    for r in results:
        if r.status == Status.BLOCKED and r.error:
            blocked.setdefault(r.error, []).append(r)
    for reason, rows in blocked.items():
        if len(rows) == 1:
            steps.append(f"{rows[0].title}: {reason}")
        else:
            steps.append(f"{len(rows)} {rows[0].kind}s ({rows[0].title}, …): {reason}")
    if not dry_run and any(r.status == Status.FAILED for r in results):
        steps.append(
            "Run the same command again: sync carries on from where it stopped and never makes "
            "anything twice."
        )
    return steps


# --- text output --------------------------------------------------------------------------------


def summary_line(report: SyncReport) -> str:
    c = report.counts
    verb = "would be" if report.dry_run else ""
    parts = [f"{c[name]} {name}" for name in COUNT_NAMES if not report.dry_run or c[name]]
    head = (
        "Plan"
        if report.dry_run
        else ("Sync finished" if report.ok else "Sync finished with failures")
    )
    text = f"{head}: " + ", ".join(parts)
    if verb and c["unchanged"] != sum(c.values()):
        text += " (nothing was changed: dry run)"
    return text


def format_summary(report: SyncReport) -> str:
    """Human-readable result: counts, failures with what to do, warnings, calls made."""
    lines = [summary_line(report)]
    where = report.course_url or f"course with SIS id {report.sis_course_id} (not created yet)"
    lines.append(f"Course: {report.course_name} — {where}")
    api = report.api
    lines.append(
        f"Canvas API calls: {api.reads} reads, {api.writes} writes"
        + (f", {api.retries} retries" if api.retries else "")
        + (f", throttled {api.throttled}x" if api.throttled else "")
        + f", {(report.finished_at - report.started_at).total_seconds():.1f} s"
    )
    failures = [a for a in report.actions if a.status in (Status.FAILED, Status.SKIPPED)]
    if failures and not report.dry_run:
        lines.append("")
        lines.append("Failed:")
        for a in failures[:25]:
            lines.append(f"  {a.kind} '{a.title}': {a.error}")
        if len(failures) > 25:
            lines.append(f"  … and {len(failures) - 25} more (see --json)")
    if report.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  {w}" for w in report.warnings)
    if report.next_steps:
        lines.append("")
        lines.append("What to do next:")
        lines.extend(f"  - {s}" for s in report.next_steps)
    return "\n".join(lines)


def _placed_detail(action: Action, place: str | None) -> str:
    if place is None or not isinstance(action, CreateModule | CreateItem | CreateAssignment):
        return action.detail()
    return place


def format_plan_table(plan: Plan) -> str:
    """The plan as a table: one row per Canvas write (plus what cannot be done), in order."""
    # Notes that fail nothing (a mentor link waiting for its candidate) are in the summary.
    # Listed in course order, not run order (which inserts at the top in reverse); a new
    # object's place is where it ends up rather than where the run first puts it.
    order = plan.order
    shown = sorted(
        (
            (i, a)
            for i, a in enumerate(plan.actions)
            if a.writes or (isinstance(a, Blocked) and a.fails)
        ),
        key=lambda pair: order.sort_key(pair[1].key, pair[0]),
    )
    rows = [
        (a.op.value, a.kind.value, a.title, _placed_detail(a, order.place.get(a.key)))
        for _, a in shown
    ]
    if not rows:
        return "Nothing to change: the course already matches the spec and cohort file."
    head = ("ACTION", "KIND", "NAME", "DETAIL")
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) if i < 2 else 0 for i in range(4)]
    name_width = min(60, max(len(head[2]), *(len(r[2]) for r in rows)))
    widths[2] = name_width

    def line(cols: Sequence[str]) -> str:
        name = cols[2] if len(cols[2]) <= name_width else cols[2][: name_width - 1] + "…"
        op, kind = f"{cols[0]:<{widths[0]}}", f"{cols[1]:<{widths[1]}}"
        return f"{op}  {kind}  {name:<{name_width}}  {cols[3]}".rstrip()

    return "\n".join([line(head), *(line(r) for r in rows)])
