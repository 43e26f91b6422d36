"""Field comparisons: what differs between a desired object and the Canvas one it matched. Pure."""

from __future__ import annotations

from datetime import datetime

from ctom_lti.canvas.dto import CanvasAssignment, CanvasCourse, CanvasModuleItem, CanvasPage
from ctom_lti.canvas_sync.actions import Change, Ref
from ctom_lti.canvas_sync.desired_objects import (
    EXTERNAL_TOOL,
    SUBHEADER,
    CourseSettings,
    DesiredAssignment,
    DesiredItem,
    DesiredPage,
)
from ctom_lti.canvas_sync.planner.identity import MappingEntry, digest, normalise_html

#: item types Canvas creates unpublished and that do not follow a page's or assignment's state
OWN_STATE_ITEMS = (SUBHEADER, EXTERNAL_TOOL)


def rich_text_matches(desired: str, canvas: str | None, entry: MappingEntry | None) -> bool:
    """Whether Canvas holds the rich text sync wants.

    Canvas sanitises HTML on save, so it may store different bytes for what sync sent. If sync
    sent exactly this text last time (``sent_digest``) and Canvas still holds what it stored then
    (``seen_digest``), nothing changed on either side.
    """
    if canvas is None:
        return entry is not None and entry.sent_digest == digest(desired)
    if normalise_html(canvas) == normalise_html(desired):
        return True
    return (
        entry is not None
        and entry.sent_digest == digest(desired)
        and entry.seen_digest == digest(canvas)
    )


def same_minute(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs((a - b).total_seconds()) < 60


def course_changes(want: CourseSettings, have: CanvasCourse) -> list[Change]:
    changes = []
    for name, old, new in (
        ("name", have.name, want.name),
        ("course_code", have.course_code, want.course_code),
        (
            "restrict_enrollments_to_course_dates",
            have.restrict_enrollments_to_course_dates,
            want.restrict_enrollments_to_course_dates,
        ),
    ):
        if old != new:
            changes.append(Change(name, old, new))
    # Canvas may omit these; only what it reports can be compared.
    if have.default_view is not None and have.default_view != want.default_view:
        changes.append(Change("default_view", have.default_view, want.default_view))
    if have.time_zone is not None and have.time_zone != want.time_zone:
        changes.append(Change("time_zone", have.time_zone, want.time_zone))
    if want.restrict_enrollments_to_course_dates:
        if not same_minute(have.start_at, want.start_at):
            changes.append(Change("start_at", have.start_at, want.start_at))
        if not same_minute(have.end_at, want.end_at):
            changes.append(Change("end_at", have.end_at, want.end_at))
    return changes


def page_changes(want: DesiredPage, have: CanvasPage, entry: MappingEntry | None) -> list[Change]:
    changes = []
    if have.title != want.title:
        changes.append(Change("title", have.title, want.title))
    if have.published != want.published and not have.front_page:
        changes.append(Change("published", have.published, want.published))
    if not rich_text_matches(want.body, have.body, entry):
        changes.append(Change("body", have.body, want.body))
    return changes


def assignment_changes(
    want: DesiredAssignment,
    have: CanvasAssignment,
    group: Ref | None,
    entry: MappingEntry | None,
) -> list[Change]:
    changes = []
    if have.name != want.name:
        changes.append(Change("name", have.name, want.name))
    if group is None or have.assignment_group_id != group.id:
        changes.append(
            Change("assignment_group_id", have.assignment_group_id, group.id if group else None)
        )
    if have.points_possible is None or abs(have.points_possible - want.points_possible) > 1e-9:
        changes.append(Change("points_possible", have.points_possible, want.points_possible))
    if have.grading_type != want.grading_type:
        changes.append(Change("grading_type", have.grading_type, want.grading_type))
    if sorted(have.submission_types) != sorted(want.submission_types):
        changes.append(Change("submission_types", have.submission_types, want.submission_types))
    if have.published != want.published:
        changes.append(Change("published", have.published, want.published))
    if not same_minute(have.due_at, want.due_at):
        changes.append(Change("due_at", have.due_at, want.due_at))
    if not rich_text_matches(want.description, have.description, entry):
        changes.append(Change("description", have.description, want.description))
    return changes


def item_changes(want: DesiredItem, have: CanvasModuleItem, *, publish: bool) -> list[Change]:
    changes = []
    if have.title != want.title:
        changes.append(Change("title", have.title, want.title))
    if have.indent != want.indent:
        changes.append(Change("indent", have.indent, want.indent))
    if want.type == EXTERNAL_TOOL:
        if have.external_url != want.external_url:
            changes.append(Change("external_url", have.external_url, want.external_url))
        if have.new_tab != want.new_tab:
            changes.append(Change("new_tab", have.new_tab, want.new_tab))
    if publish and want.type in OWN_STATE_ITEMS and have.published is False:
        changes.append(Change("published", False, True))
    return changes
