"""Our field DTOs -> the parameters Canvas's create and update endpoints take.

``only`` names the fields an update changes; ``None`` (a create) sends every field that is set.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from ctom_lti.canvas.convert import canvas_time
from ctom_lti.canvas.dto import AssignmentFields, CourseFields, ModuleItemFields


def pick(values: Mapping[str, Any], only: Collection[str] | None) -> dict[str, Any]:
    return {k: v for k, v in values.items() if only is None or k in only}


def course_params(fields: CourseFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": fields.name,
        "course_code": fields.course_code,
        "restrict_enrollments_to_course_dates": fields.restrict_enrollments_to_course_dates,
    }
    if fields.sis_course_id is not None:
        values["sis_course_id"] = fields.sis_course_id
    if fields.default_view is not None:
        values["default_view"] = fields.default_view
    if fields.time_zone is not None:
        values["time_zone"] = fields.time_zone
    # Canvas takes an empty value to clear a date.
    values["start_at"] = canvas_time(fields.start_at) if fields.start_at else ""
    values["end_at"] = canvas_time(fields.end_at) if fields.end_at else ""
    if only is None and not fields.start_at:
        del values["start_at"]
    if only is None and not fields.end_at:
        del values["end_at"]
    return pick(values, only)


def assignment_params(fields: AssignmentFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": fields.name,
        "grading_type": fields.grading_type,
        "submission_types": list(fields.submission_types),
        "published": fields.published,
        "due_at": canvas_time(fields.due_at) if fields.due_at else "",
        "description": fields.description or "",
    }
    if fields.points_possible is not None:
        values["points_possible"] = fields.points_possible
    if fields.assignment_group_id is not None:
        values["assignment_group_id"] = fields.assignment_group_id
    if fields.position is not None:
        values["position"] = fields.position
    if fields.integration_data is not None:
        # Assignments take integration_data as a JSON string (canvas-rest.md §4.9).
        values["integration_data"] = json.dumps(dict(fields.integration_data), sort_keys=True)
    if only is None and not fields.due_at:
        del values["due_at"]
    return pick(values, only)


def item_params(fields: ModuleItemFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {"type": fields.type, "title": fields.title, "indent": fields.indent}
    if fields.content_id is not None:
        values["content_id"] = fields.content_id
    if fields.page_url is not None:
        values["page_url"] = fields.page_url
    if fields.external_url is not None:
        values["external_url"] = fields.external_url
        values["new_tab"] = fields.new_tab
    if fields.position is not None:
        values["position"] = fields.position
    if fields.published is not None:
        values["published"] = fields.published
    return pick(values, only)
