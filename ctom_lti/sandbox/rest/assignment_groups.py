"""Assignment groups (canvas-rest.md §4.8): top-level parameters, ``integration_data`` merged."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import AssignmentGroup
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.assignment_json import assignment_json
from ctom_lti.sandbox.rest.auth import find_course, require_manage, require_read, store
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import Params, opt_float, opt_int, opt_str, params, str_list

bp = Blueprint("assignment_groups", __name__)


def group_json(group: AssignmentGroup, includes: set[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "position": group.position,
        "group_weight": group.group_weight,
        "sis_source_id": group.sis_source_id,
        "integration_data": dict(group.integration_data),
        "rules": dict(group.rules),
    }
    if includes and "assignments" in includes:
        s = store()
        data["assignments"] = [
            assignment_json(a)
            for a in content.course_assignments(s, group.course_id)
            if a.assignment_group_id == group.id
        ]
    return data


def hash_param(p: Params, key: str) -> dict[str, Any] | None:
    """A hash parameter that may also arrive as a JSON string (``integration_data``, §4.8/§4.9)."""
    value = p.get(key)
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    if value == "":
        return {}
    try:
        parsed = json.loads(str(value))
    except ValueError:
        raise errors.message(f"{key} must be a JSON object or a hash of parameters") from None
    if not isinstance(parsed, dict):
        raise errors.message(f"{key} must be a JSON object")
    return parsed


def _rules(p: Params) -> dict[str, Any] | None:
    raw = p.get("rules")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise errors.message("rules must be a hash, e.g. rules[drop_lowest]=1")
    rules: dict[str, Any] = {}
    for key in ("drop_lowest", "drop_highest"):
        if key in raw:
            rules[key] = opt_int(raw, key, f"rules[{key}]")
    if "never_drop" in raw:
        rules["never_drop"] = [int(x) for x in str_list(raw["never_drop"]) if x.isdigit()]
    return rules


def _group(course: Course, group_id: int) -> AssignmentGroup:
    group = store().assignment_groups.get(group_id)
    if group is None or group.course_id != course.id or group.workflow_state == "deleted":
        raise errors.not_found()
    return group


@bp.get("/courses/<course_id>/assignment_groups")
def list_groups(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    includes = set(str_list(params().get("include")))
    groups = content.active_groups(store(), course.id)
    return paginate(groups, lambda g: group_json(g, includes))


@bp.get("/courses/<course_id>/assignment_groups/<int:group_id>")
def get_group(course_id: str, group_id: int) -> Response:
    course = find_course(course_id)
    require_read(course)
    includes = set(str_list(params().get("include")))
    return jsonify(group_json(_group(course, group_id), includes))


# canvas-rest.md §4.8 (create; top-level params)
@bp.post("/courses/<course_id>/assignment_groups")
def create_group(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    name = opt_str(p, "name") or "Assignments"
    s = store()
    with s.lock:
        group = content.add_assignment_group(
            s,
            course.id,
            name,
            position=opt_int(p, "position"),
            group_weight=opt_float(p, "group_weight") or 0.0,
            sis_source_id=opt_str(p, "sis_source_id") or None,
            integration_data=hash_param(p, "integration_data"),
            rules=_rules(p),
        )
    return jsonify(group_json(group))


# canvas-rest.md §4.8 (update; integration_data merged into the existing hash)
@bp.put("/courses/<course_id>/assignment_groups/<int:group_id>")
def update_group(course_id: str, group_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    group = _group(course, group_id)
    p = params()
    s = store()
    with s.lock:
        if "name" in p:
            group.name = opt_str(p, "name") or group.name
        if "group_weight" in p:
            group.group_weight = opt_float(p, "group_weight") or 0.0
        if "sis_source_id" in p:
            group.sis_source_id = opt_str(p, "sis_source_id") or None
        data = hash_param(p, "integration_data")
        if data is not None:
            group.integration_data = {**group.integration_data, **data}
        rules = _rules(p)
        if rules is not None:
            group.rules = rules
        position = opt_int(p, "position")
        if position is not None:
            groups = content.active_groups(s, course.id)
            others = [g for g in groups if g is not group]
            others.insert(max(0, min(len(others), position - 1)), group)
            for n, g in enumerate(others, start=1):
                g.position = n
    return jsonify(group_json(group))


# canvas-rest.md §4.8 (delete; move_assignments_to moves, otherwise assignments go too)
@bp.delete("/courses/<course_id>/assignment_groups/<int:group_id>")
def delete_group(course_id: str, group_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    group = _group(course, group_id)
    p = params()
    s = store()
    with s.lock:
        target_id = opt_int(p, "move_assignments_to")
        target = _group(course, target_id) if target_id is not None else None
        if target is group:
            raise errors.message("Cannot move assignments into the group being deleted")
        for a in content.course_assignments(s, course.id):
            if a.assignment_group_id == group.id:
                if target is not None:
                    a.assignment_group_id = target.id
                else:
                    a.workflow_state = "deleted"
        data = group_json(group)
        group.workflow_state = "deleted"
        for n, g in enumerate(content.active_groups(s, course.id), start=1):
            g.position = n
    return jsonify(data)
