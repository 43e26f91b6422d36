"""The cohort's pass/fail results from Canvas, in a handful of calls, by course-spec key.

Which Canvas assignment is which comes from sync's mapping (desired key → Canvas id), so an
assignment renamed or moved in Canvas is still found; its group is read from Canvas and mapped
back to its spec key the same way. Two kinds of call: the course's assignments (one page of 100)
and the grouped bulk submissions of every student (one page per 100 students) — never one per
student or per assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ctom_lti.canvas import CanvasGateway
from ctom_lti.canvas.dto import CanvasAssignment, GradebookEntry
from ctom_lti.canvas_sync.models import SyncMapping
from ctom_lti.models import Cohort
from ctom_lti.tools.completion.evidence import Assignment, Cell
from ctom_lti.tools.completion.settings import CompletionSettings

_ASSIGNMENT, _GROUP = "assignment:", "group:"


@dataclass(frozen=True)
class Gradebook:
    """What the check reads from Canvas for one cohort."""

    assignments: tuple[Assignment, ...]
    #: cells by Canvas user id, then by assignment key
    cells: Mapping[int, Mapping[str, Cell]]
    #: Canvas user id by SIS user id, for people the tool knows only by SIS id
    by_sis: Mapping[str, int] = field(default_factory=dict)

    def cells_of(self, canvas_user_id: str | None, sis_user_id: str | None) -> Mapping[str, Cell]:
        if canvas_user_id and canvas_user_id.isdigit() and int(canvas_user_id) in self.cells:
            return self.cells[int(canvas_user_id)]
        user_id = self.by_sis.get(sis_user_id or "")
        return self.cells.get(user_id, {}) if user_id is not None else {}


def spec_keys(session: Session, cohort: Cohort) -> tuple[dict[int, str], dict[int, str]]:
    """Sync's mapping for the cohort's course: (assignment id → key, group id → key)."""
    course_id = int(cohort.canvas_course_id or 0)
    rows = session.execute(
        select(SyncMapping.desired_key, SyncMapping.canvas_id).where(
            or_(
                SyncMapping.cohort_id == cohort.id,
                (SyncMapping.canvas_url == cohort.canvas_url)
                & (SyncMapping.canvas_course_id == course_id),
            ),
            SyncMapping.kind.in_(("assignment", "group")),
        )
    )
    assignments: dict[int, str] = {}
    groups: dict[int, str] = {}
    for key, canvas_id in rows:
        if key.startswith(_ASSIGNMENT):
            assignments[canvas_id] = key.removeprefix(_ASSIGNMENT)
        elif key.startswith(_GROUP):
            groups[canvas_id] = key.removeprefix(_GROUP)
    return assignments, groups


def _day(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment is not None else None


def known_assignments(
    canvas: Iterable[CanvasAssignment],
    assignment_keys: Mapping[int, str],
    group_keys: Mapping[int, str],
    settings: CompletionSettings,
    zone: ZoneInfo,
) -> dict[int, Assignment]:
    """The course's assignments that some rule reads, by Canvas id (pure)."""
    chosen: dict[int, Assignment] = {}
    for a in canvas:
        key = assignment_keys.get(a.id)
        if key is None:
            continue  # not sync's: an instructor's own assignment is not a programme duty
        group = group_keys.get(a.assignment_group_id or 0, "")
        if not (settings.in_required_group(group) or settings.claimed(key)):
            continue
        due = _day(a.due_at, zone)
        chosen[a.id] = Assignment(
            key=key,
            title=a.name,
            group_key=group,
            due=due.date() if due else None,
            published=a.published,
        )
    return chosen


def cell_of(entry: GradebookEntry) -> Cell:
    """One gradebook entry as the rules read it (pure)."""
    handed_in = entry.submitted_at is not None or entry.workflow_state in (
        "submitted",
        "pending_review",
    )
    return Cell(
        grade=entry.grade,
        excused=entry.excused,
        submitted=handed_in,
        late=entry.late,
        missing=entry.missing,
    )


def read_gradebook(
    session: Session,
    cohort: Cohort,
    gateway: CanvasGateway,
    settings: CompletionSettings,
    zone: ZoneInfo,
) -> Gradebook:
    """The cohort's gradebook for the rules' assignments (raises ``CanvasError`` s)."""
    assignment_keys, group_keys = spec_keys(session, cohort)
    return read_course_gradebook(
        gateway,
        int(cohort.canvas_course_id or 0),
        assignment_keys,
        group_keys,
        settings=settings,
        zone=zone,
    )


def read_course_gradebook(
    gateway: CanvasGateway,
    course_id: int,
    assignment_keys: Mapping[int, str],
    group_keys: Mapping[int, str],
    *,
    settings: CompletionSettings,
    zone: ZoneInfo,
) -> Gradebook:
    """A course's gradebook, given sync's mapping: two kinds of call, paged by 100.

    :calls: ``GET /api/v1/courses/:id/assignments`` then
        ``GET /api/v1/courses/:id/students/submissions`` (grouped, every student)
    """
    chosen = known_assignments(
        gateway.list_assignments(course_id), assignment_keys, group_keys, settings, zone
    )
    published = [cid for cid, a in chosen.items() if a.published]
    cells: dict[int, dict[str, Cell]] = {}
    by_sis: dict[str, int] = {}
    for entry in gateway.get_gradebook(course_id, published):
        if entry.sis_user_id:
            by_sis[entry.sis_user_id] = entry.user_id
        if entry.assignment_id in chosen:
            key = chosen[entry.assignment_id].key
            cells.setdefault(entry.user_id, {})[key] = cell_of(entry)
    # Canvas lists assignments in gradebook order (group, then position): the checklist's order.
    return Gradebook(tuple(chosen.values()), cells, by_sis)
