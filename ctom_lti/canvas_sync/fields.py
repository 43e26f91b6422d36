"""Desired objects -> the fields the gateway sends to Canvas."""

from __future__ import annotations

from typing import Protocol

from ctom_lti.canvas.dto import AssignmentFields, CourseFields, ModuleItemFields
from ctom_lti.canvas_sync.actions import Ref
from ctom_lti.canvas_sync.desired_objects import (
    ASSIGNMENT,
    EXTERNAL_TOOL,
    PAGE,
    CourseSettings,
    DesiredAssignment,
    DesiredItem,
)
from ctom_lti.canvas_sync.planner.identity import MARKER, TOOL_KEY


class KnownRefs(Protocol):
    """Where desired keys live in Canvas (raises ``LookupError`` for one not made yet)."""

    def __getitem__(self, key: str) -> Ref: ...


def course_fields(settings: CourseSettings) -> CourseFields:
    return CourseFields(
        name=settings.name,
        course_code=settings.course_code,
        sis_course_id=settings.sis_course_id,
        start_at=settings.start_at,
        end_at=settings.end_at,
        restrict_enrollments_to_course_dates=settings.restrict_enrollments_to_course_dates,
        default_view=settings.default_view,
        time_zone=settings.time_zone,
    )


def assignment_fields(
    want: DesiredAssignment,
    group_id: int | None,
    *,
    mark: str | None = None,
    position: int | None = None,
) -> AssignmentFields:
    return AssignmentFields(
        name=want.name,
        assignment_group_id=group_id,
        # Pass/fail still needs explicit points: Canvas scores "complete" as points_possible
        # (canvas-rest.md §5).
        points_possible=want.points_possible,
        grading_type=want.grading_type,
        submission_types=want.submission_types,
        published=want.published,
        due_at=want.due_at,
        description=want.description,
        position=position,
        integration_data={MARKER: mark} if mark else None,
    )


def item_fields(
    item: DesiredItem, ids: KnownRefs, *, position: int | None = None, published: bool | None = None
) -> ModuleItemFields:
    content_id = None
    page_url = None
    if item.type == ASSIGNMENT and item.content_key:
        content_id = ids[item.content_key].id
    elif item.type == PAGE and item.content_key:
        page_url = ids[item.content_key].url
    elif item.type == EXTERNAL_TOOL:
        content_id = ids[TOOL_KEY].id
    return ModuleItemFields(
        type=item.type,
        title=item.title,
        content_id=content_id,
        page_url=page_url,
        external_url=item.external_url,
        indent=item.indent,
        new_tab=item.new_tab,
        position=position,
        published=published,
    )
