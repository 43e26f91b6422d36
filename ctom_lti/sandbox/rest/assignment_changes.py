"""The ``assignment[...]`` parameters of a create or update, validated into attribute changes
(canvas-rest.md §4.9): 400 on a bad field, 409 on a duplicate SIS id; and the course's external
tool an assignment's tool tag matches."""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox import content
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.assignment_groups import hash_param
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_float,
    opt_int,
    opt_str,
    parse_time,
    section,
    str_list,
    to_bool,
)

SUBMISSION_TYPES = (
    "online_quiz",
    "none",
    "on_paper",
    "discussion_topic",
    "external_tool",
    "online_upload",
    "online_text_entry",
    "online_url",
    "media_recording",
    "student_annotation",
    "not_graded",
)
GRADING_TYPES = ("pass_fail", "percent", "letter_grade", "gpa_scale", "points", "not_graded")


def _sis_conflict(sis: str) -> errors.ApiError:
    # §4.9: a duplicate sis_assignment_id is a 409 [I body: the model-errors shape]
    return errors.model_errors(
        {"sis_assignment_id": [f'SIS ID "{sis}" is already in use']}, status=409
    )


def parse_changes(course: Course, a: Assignment | None, f: Params) -> dict[str, Any]:
    """Validate ``assignment[...]`` and return the attribute changes (§4.9); raises 400/409."""
    changes = _grading_fields(f)
    changes |= _group_field(course, f)
    changes |= _sis_fields(course, a, f)
    changes |= _tool_tag(f)
    types = changes.get("submission_types", a.submission_types if a else ["none"])
    if "external_tool" in types:
        url = changes.get("external_tool_url", a.external_tool_url if a else None)
        if not url:
            raise errors.model_errors(
                {"external_tool_tag": ["url can't be blank for an external tool assignment"]}
            )
    return changes


def _grading_fields(f: Params) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "name" in f:
        name = opt_str(f, "name") or ""
        if not name.strip():
            raise errors.model_errors({"name": ["can't be blank"]})
        if len(name) > 255:
            raise errors.model_errors({"name": ["is too long (maximum is 255 characters)"]})
        changes["name"] = name
    if "submission_types" in f:
        types = str_list(f["submission_types"])
        if not types or any(t not in SUBMISSION_TYPES for t in types):
            raise errors.model_errors(
                {"assignment[submission_types]": ["Invalid submission types"]}
            )
        changes["submission_types"] = types
    if "grading_type" in f:
        gtype = opt_str(f, "grading_type")
        if gtype not in GRADING_TYPES:
            raise errors.model_errors({"grading_type": ["is not included in the list"]})
        changes["grading_type"] = gtype
        if gtype == "not_graded":
            changes["submission_types"] = ["not_graded"]
    if "points_possible" in f:
        changes["points_possible"] = opt_float(f, "points_possible", "assignment[points_possible]")
    return changes | _other_fields(f)


def _other_fields(f: Params) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in ("due_at", "lock_at", "unlock_at"):
        if key in f:
            changes[key] = parse_time(f[key], f"assignment[{key}]")
    if "description" in f:
        changes["description"] = opt_str(f, "description")
    if "omit_from_final_grade" in f:
        changes["omit_from_final_grade"] = to_bool(f["omit_from_final_grade"])
    return changes


def _group_field(course: Course, f: Params) -> dict[str, Any]:
    if "assignment_group_id" not in f:
        return {}
    raw = opt_str(f, "assignment_group_id") or ""
    if not raw.isdigit() or int(raw) <= 0:
        raise errors.model_errors(
            {"assignment[assignment_group_id]": ["must be a positive number"]}
        )
    known = {g.id for g in content.active_groups(store(), course.id)}
    # an unknown group falls back to the first group (§4.9)
    return {"assignment_group_id": int(raw)} if int(raw) in known else {}


def _sis_fields(course: Course, a: Assignment | None, f: Params) -> dict[str, Any]:
    s = store()
    changes: dict[str, Any] = {}
    if "sis_assignment_id" in f:
        sis = opt_str(f, "sis_assignment_id") or None
        if sis and any(
            other.sis_assignment_id == sis and other is not a and other.workflow_state != "deleted"
            for other in s.assignments.values()
            if s.courses[other.course_id].root_account_id == course.root_account_id
        ):
            raise _sis_conflict(sis)
        changes["sis_assignment_id"] = sis
    if "integration_id" in f:
        changes["integration_id"] = opt_str(f, "integration_id") or None
    data = hash_param(f, "integration_data")
    if data is not None:
        changes["integration_data"] = data
    return changes


def _tool_tag(f: Params) -> dict[str, Any]:
    tag = section(f, "external_tool_tag_attributes")
    changes: dict[str, Any] = {}
    if "url" in tag:
        changes["external_tool_url"] = opt_str(tag, "url")
    if "new_tab" in tag:
        changes["external_tool_new_tab"] = to_bool(tag["new_tab"])
    custom = tag.get("custom_params")
    if isinstance(custom, dict):
        changes["external_tool_custom_params"] = {str(k): str(v) for k, v in custom.items()}
    tool_id = opt_int(tag, "content_id", "external_tool_tag_attributes[content_id]")
    if tool_id is not None:
        changes["_tool_id"] = tool_id
    return changes


def match_tool(course: Course, changes: dict[str, Any]) -> int | None:
    from urllib.parse import urlsplit

    tools = store().tools_for_course(course.id)
    wanted = changes.pop("_tool_id", None)
    if wanted is not None and any(t.id == wanted for t in tools):
        return int(wanted)
    url = changes.get("external_tool_url")
    if url:
        host_name = urlsplit(url).hostname or ""
        for tool in tools:
            tool_host = tool.domain or (urlsplit(tool.url).hostname if tool.url else None)
            if tool_host and (host_name == tool_host or host_name.endswith("." + tool_host)):
                return tool.id
    return None
