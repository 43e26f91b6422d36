"""canvasapi objects (or their JSON) -> our DTOs, and Canvas's spelling of values.

Each reader takes a canvasapi object or a plain mapping, so the same code reads what canvasapi
builds and what an endpoint canvasapi does not wrap returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ctom_lti.canvas.dto import (
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasCourse,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasModule,
    CanvasModuleItem,
    CanvasPage,
    CanvasSubmission,
    GradebookEntry,
)
from ctom_lti.errors import CtomError


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


class MalformedReply(CtomError, ValueError):
    """A Canvas answer that is JSON but lacks something every such object has (its id)."""

    status = 502
    title = "Canvas sent an answer CTO Mentor cannot read"
    hint = "Try again later. If it keeps happening, tell your programme administrator."

    def __init__(self, field: str) -> None:
        super().__init__(f"the reply has no usable {field!r}")
        self.field = field


def required_int(obj: Any, name: str) -> int:
    """The integer field ``name`` of a reply; :class:`MalformedReply` when missing or not one
    (also when the reply is not an object at all)."""
    if isinstance(obj, list | str | int | float) or obj is None:
        raise MalformedReply(name)
    value = _get(obj, name)
    if value is None or value == "" or isinstance(value, bool):
        raise MalformedReply(name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MalformedReply(name) from None


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except TypeError:
        raise MalformedReply("number") from None


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def canvas_time(value: datetime) -> str:
    """Canvas's timestamp spelling: ISO-8601 UTC with ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _integration_data(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


def course_from(obj: Any) -> CanvasCourse:
    return CanvasCourse(
        id=required_int(obj, "id"),
        name=_get(obj, "name") or "",
        course_code=_get(obj, "course_code") or "",
        workflow_state=_get(obj, "workflow_state") or "unpublished",
        account_id=_int(_get(obj, "account_id")),
        sis_course_id=_get(obj, "sis_course_id"),
        start_at=_dt(_get(obj, "start_at")),
        end_at=_dt(_get(obj, "end_at")),
        restrict_enrollments_to_course_dates=bool(
            _get(obj, "restrict_enrollments_to_course_dates", False)
        ),
        default_view=_get(obj, "default_view"),
        time_zone=_get(obj, "time_zone"),
    )


def item_from(obj: Any) -> CanvasModuleItem:
    return CanvasModuleItem(
        id=required_int(obj, "id"),
        module_id=required_int(obj, "module_id"),
        position=int(_get(obj, "position") or 0),
        title=_get(obj, "title") or "",
        type=_get(obj, "type") or "",
        indent=int(_get(obj, "indent") or 0),
        content_id=_int(_get(obj, "content_id")),
        page_url=_get(obj, "page_url"),
        external_url=_get(obj, "external_url"),
        new_tab=bool(_get(obj, "new_tab", False)),
        published=_get(obj, "published"),
    )


def module_from(obj: Any) -> CanvasModule:
    raw_items = _get(obj, "items")
    items = None
    if raw_items is not None:
        items = tuple(sorted((item_from(i) for i in raw_items), key=lambda i: (i.position, i.id)))
    count = _int(_get(obj, "items_count"))
    return CanvasModule(
        id=required_int(obj, "id"),
        name=_get(obj, "name") or "",
        position=int(_get(obj, "position") or 0),
        published=_get(obj, "published"),
        items=items,
        items_count=count if count is not None else len(items or ()),
    )


def page_from(obj: Any) -> CanvasPage:
    return CanvasPage(
        page_id=required_int(obj, "page_id"),
        url=_get(obj, "url") or "",
        title=_get(obj, "title") or "",
        published=bool(_get(obj, "published", False)),
        body=_get(obj, "body"),
        front_page=bool(_get(obj, "front_page", False)),
    )


def group_from(obj: Any) -> CanvasAssignmentGroup:
    return CanvasAssignmentGroup(
        id=required_int(obj, "id"),
        name=_get(obj, "name") or "",
        position=int(_get(obj, "position") or 0),
        integration_data=_integration_data(_get(obj, "integration_data")),
        sis_source_id=_get(obj, "sis_source_id"),
    )


def assignment_from(obj: Any) -> CanvasAssignment:
    points = _get(obj, "points_possible")
    return CanvasAssignment(
        id=required_int(obj, "id"),
        name=_get(obj, "name") or "",
        assignment_group_id=_int(_get(obj, "assignment_group_id")),
        position=int(_get(obj, "position") or 0),
        points_possible=float(points) if points is not None else None,
        grading_type=_get(obj, "grading_type") or "points",
        submission_types=tuple(_get(obj, "submission_types") or ()),
        published=bool(_get(obj, "published", False)),
        due_at=_dt(_get(obj, "due_at")),
        description=_get(obj, "description"),
        integration_data=_integration_data(_get(obj, "integration_data")),
        sis_assignment_id=_get(obj, "sis_assignment_id"),
    )


def enrollment_from(obj: Any) -> CanvasEnrollment:
    return CanvasEnrollment(
        id=required_int(obj, "id"),
        user_id=required_int(obj, "user_id"),
        type=_get(obj, "type") or "",
        enrollment_state=_get(obj, "enrollment_state") or "",
        associated_user_id=_int(_get(obj, "associated_user_id")),
        sis_user_id=_get(obj, "sis_user_id"),
    )


def tool_from(obj: Any) -> CanvasExternalTool:
    nav = _get(obj, "course_navigation")
    return CanvasExternalTool(
        id=required_int(obj, "id"),
        name=_get(obj, "name") or "",
        url=_get(obj, "url"),
        domain=_get(obj, "domain"),
        developer_key_id=_int(_get(obj, "developer_key_id")),
        deployment_id=_get(obj, "deployment_id"),
        course_navigation=bool(nav) and _get(nav, "enabled", True) not in (False, "false"),
    )


def gradebook_entries_from(group: Any) -> Iterable[GradebookEntry]:
    user_id = required_int(group, "user_id")
    sis_user_id = _get(group, "sis_user_id")
    for sub in _get(group, "submissions") or ():
        score = _get(sub, "score")
        yield GradebookEntry(
            user_id=user_id,
            assignment_id=required_int(sub, "assignment_id"),
            grade=_get(sub, "grade"),
            score=float(score) if score is not None else None,
            excused=bool(_get(sub, "excused", False)),
            workflow_state=_get(sub, "workflow_state") or "unsubmitted",
            sis_user_id=sis_user_id,
            graded_at=_dt(_get(sub, "graded_at")),
            submitted_at=_dt(_get(sub, "submitted_at")),
            late=bool(_get(sub, "late", False)),
            missing=bool(_get(sub, "missing", False)),
            due_at=_dt(_get(sub, "cached_due_date")),
        )


#: Workflow states of work a student has handed in (canvas-rest.md §4.10); ``unsubmitted``
#: placeholders and teacher-graded rows without ``submitted_at`` are not handed-in work.
HANDED_IN_STATES = frozenset({"submitted", "graded", "pending_review"})


def handed_in_submission_from(raw: Any) -> CanvasSubmission | None:
    """A flat-list submission as a :class:`CanvasSubmission`, or None when it is not work the
    student handed in (a placeholder, or a grade given without a hand-in)."""
    state = _get(raw, "workflow_state")
    submitted_at = _dt(_get(raw, "submitted_at"))
    if state not in HANDED_IN_STATES or submitted_at is None:
        return None
    assignment = _get(raw, "assignment")
    return CanvasSubmission(
        id=required_int(raw, "id"),
        assignment_id=required_int(raw, "assignment_id"),
        user_id=required_int(raw, "user_id"),
        assignment_name=str(_get(assignment, "name") or "") if assignment else "",
        workflow_state=str(state),
        submitted_at=submitted_at,
        submission_type=_get(raw, "submission_type"),
        html_url=_get(raw, "html_url"),
        preview_url=_get(raw, "preview_url"),
    )
