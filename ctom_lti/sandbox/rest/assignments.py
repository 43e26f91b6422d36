"""Assignments (canvas-rest.md §4.9): 201 on create, unpublished by default, pass/fail, external
tool tags, ``integration_data``, SIS ids (duplicate → 409)."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.assignment_changes import match_tool, parse_changes
from ctom_lti.sandbox.rest.assignment_json import assignment_json
from ctom_lti.sandbox.rest.auth import (
    find_assignment,
    find_course,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    opt_bool,
    opt_int,
    opt_str,
    params,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.timestamps import now

bp = Blueprint("assignments", __name__)


# canvas-rest.md §4.9 (create → 201)
@bp.post("/courses/<course_id>/assignments")
def create_assignment(course_id: str) -> tuple[Response, int]:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    f = section(p, "assignment")
    if not (opt_str(f, "name") or "").strip():
        raise errors.model_errors({"name": ["can't be blank"]})
    s = store()
    with s.lock:
        changes = parse_changes(course, None, f)
        tool_id = match_tool(course, changes)
        name = changes.pop("name")
        group_id = changes.pop("assignment_group_id", None)
        a = content.create_assignment(
            s,
            course.id,
            name,
            assignment_group_id=group_id,
            position=opt_int(f, "position", "assignment[position]"),
            published=to_bool(f.get("published", False)),
            **changes,
        )
        a.external_tool_id = tool_id
    return jsonify(assignment_json(a)), 201


# canvas-rest.md §4.9 (update → 200)
@bp.put("/courses/<course_id>/assignments/<assignment_id>")
def update_assignment(course_id: str, assignment_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    a = find_assignment(course, assignment_id)
    f = section(params(), "assignment")
    s = store()
    with s.lock:
        changes = parse_changes(course, a, f)
        tool_id = match_tool(course, changes) if "external_tool_url" in changes else None
        if "integration_data" in changes:
            a.integration_data = changes.pop("integration_data")
        for key, value in changes.items():
            setattr(a, key, value)
        if "external_tool" in a.submission_types and not a.resource_link_id:
            a.resource_link_id = str(uuid.uuid4())
        if tool_id:
            a.external_tool_id = tool_id
        published = opt_bool(f, "published")
        if published is not None:
            if not published and not assignment_json(a)["unpublishable"]:
                raise errors.model_errors(
                    {"published": ["Can't unpublish if there are student submissions"]}
                )
            content.set_assignment_published(a, published)
        position = opt_int(f, "position", "assignment[position]")
        if position is not None:
            siblings = [
                x
                for x in content.course_assignments(s, course.id)
                if x.assignment_group_id == a.assignment_group_id and x is not a
            ]
            siblings.insert(max(0, min(len(siblings), position - 1)), a)
            for n, x in enumerate(siblings, start=1):
                x.position = n
        a.updated_at = now()
    return jsonify(assignment_json(a))


@bp.delete("/courses/<course_id>/assignments/<assignment_id>")
def delete_assignment(course_id: str, assignment_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    a = find_assignment(course, assignment_id)
    s = store()
    with s.lock:
        a.workflow_state = "deleted"
        a.published = False
        for item in s.module_items.values():
            if item.type == "Assignment" and item.content_id == a.id:
                item.workflow_state = "deleted"
        data = assignment_json(a)
        data["workflow_state"] = "deleted"
    return jsonify(data)


@bp.get("/courses/<course_id>/assignments/<assignment_id>")
def get_assignment(course_id: str, assignment_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    return jsonify(assignment_json(find_assignment(course, assignment_id)))


# canvas-rest.md §4.9 (list: assignment_ids[], search_term, order_by)
@bp.get("/courses/<course_id>/assignments")
@bp.get("/courses/<course_id>/assignment_groups/<int:group_id>/assignments")
def list_assignments(course_id: str, group_id: int | None = None) -> Response:
    course = find_course(course_id)
    require_read(course)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    found = content.course_assignments(store(), course.id)
    if group_id is not None:
        if group_id not in {g.id for g in content.active_groups(store(), course.id)}:
            raise errors.not_found()
        found = [a for a in found if a.assignment_group_id == group_id]
    ids = set(str_list(p.get("assignment_ids")))
    if ids:
        found = [a for a in found if str(a.id) in ids]
    if term:
        found = [a for a in found if term.lower() in a.name.lower()]
    order_by = opt_str(p, "order_by")
    if order_by == "name":
        found.sort(key=lambda a: (a.name.lower(), a.id))
    elif order_by == "due_at":
        found.sort(key=lambda a: (a.due_at is None, a.due_at or a.created_at, a.id))
    return paginate(found, assignment_json)
