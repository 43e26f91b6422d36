"""Assignments (canvas-rest.md §4.9): 201 on create, unpublished by default, pass/fail, external
tool tags, ``integration_data``, SIS ids (duplicate → 409)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.assignment_groups import hash_param
from ctom_lti.sandbox.rest.auth import (
    find_assignment,
    find_course,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_bool,
    opt_float,
    opt_int,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.render import api_url, host
from ctom_lti.sandbox.store import Assignment, Course, iso, now

bp = Blueprint("assignments", __name__)

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


def _lti_context_id(a: Assignment) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, store().opaque_id(f"assignment_{a.id}")))


def assignment_json(a: Assignment) -> dict[str, Any]:
    """Assignment JSON, the modern field set of the edulinq-real capture (§4.9)."""
    s = store()
    subs = [x for x in s.submissions.values() if x.assignment_id == a.id]
    data: dict[str, Any] = {
        "id": a.id,
        "description": a.description,
        "due_at": iso(a.due_at),
        "unlock_at": iso(a.unlock_at),
        "lock_at": iso(a.lock_at),
        "points_possible": a.points_possible,
        "grading_type": a.grading_type,
        "assignment_group_id": a.assignment_group_id,
        "grading_standard_id": None,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "peer_reviews": False,
        "automatic_peer_reviews": False,
        "position": a.position,
        "grade_group_students_individually": False,
        "anonymous_peer_reviews": False,
        "group_category_id": None,
        "post_to_sis": False,
        "moderated_grading": False,
        "omit_from_final_grade": a.omit_from_final_grade,
        "intra_group_peer_reviews": False,
        "anonymous_instructor_annotations": False,
        "anonymous_grading": False,
        "graders_anonymous_to_graders": False,
        "grader_count": 0,
        "grader_comments_visible_to_graders": True,
        "final_grader_id": None,
        "grader_names_visible_to_final_grader": True,
        "allowed_attempts": -1,
        "annotatable_attachment_id": None,
        "hide_in_gradebook": False,
        "secure_params": s.opaque_id(f"secure_assignment_{a.id}"),
        "lti_context_id": _lti_context_id(a),
        "course_id": a.course_id,
        "name": a.name,
        "submission_types": list(a.submission_types),
        "has_submitted_submissions": any(x.submitted_at for x in subs),
        "due_date_required": False,
        "max_name_length": 255,
        "in_closed_grading_period": False,
        "graded_submissions_exist": any(x.workflow_state == "graded" for x in subs),
        "is_quiz_assignment": False,
        "can_duplicate": True,
        "original_course_id": None,
        "original_assignment_id": None,
        "original_lti_resource_link_id": None,
        "original_assignment_name": None,
        "original_quiz_id": None,
        "workflow_state": "published" if a.published else "unpublished",
        "important_dates": False,
        "muted": a.post_manually,
        "html_url": f"{host()}/courses/{a.course_id}/assignments/{a.id}",
        "sis_assignment_id": a.sis_assignment_id,
        "integration_id": a.integration_id,
        "integration_data": dict(a.integration_data),
        "published": a.published,
        # app/models/assignment.rb can_unpublish?: only what students handed in blocks it
        # (has_student_submissions? = submissions.having_submission); grades a teacher
        # entered on unsubmitted work do not.
        "unpublishable": not any(x.submitted_at for x in subs),
        "only_visible_to_overrides": False,
        "visible_to_everyone": True,
        "locked_for_user": False,
        "submissions_download_url": (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions?zip=1"
        ),
        "post_manually": a.post_manually,
        "anonymize_students": False,
        "require_lockdown_browser": False,
        "restrict_quantitative_data": False,
        "needs_grading_count": sum(1 for x in subs if x.workflow_state == "submitted"),
        "has_overrides": False,
    }
    if "external_tool" in a.submission_types:
        tag: dict[str, Any] = {
            "url": a.external_tool_url,
            "new_tab": a.external_tool_new_tab,
            "resource_link_id": a.resource_link_id,
            "external_data": "",
            "content_type": "ContextExternalTool",
            "custom_params": a.external_tool_custom_params,
        }
        if a.external_tool_id:
            tag["content_id"] = a.external_tool_id
        data["external_tool_tag_attributes"] = tag
        data["url"] = api_url(
            f"courses/{a.course_id}/external_tools/sessionless_launch"
            f"?assignment_id={a.id}&launch_type=assessment"
        )
    return data


def _sis_conflict(sis: str) -> errors.ApiError:
    # §4.9: a duplicate sis_assignment_id is a 409 [I body: the model-errors shape]
    return errors.model_errors(
        {"sis_assignment_id": [f'SIS ID "{sis}" is already in use']}, status=409
    )


def _apply(course: Course, a: Assignment | None, f: Params) -> dict[str, Any]:
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


def _match_tool(course: Course, changes: dict[str, Any]) -> int | None:
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
        changes = _apply(course, None, f)
        tool_id = _match_tool(course, changes)
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
        changes = _apply(course, a, f)
        tool_id = _match_tool(course, changes) if "external_tool_url" in changes else None
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
