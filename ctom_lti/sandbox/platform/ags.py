"""AGS line item endpoints (canvas-lti.md §5.3)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.platform import paging, web
from ctom_lti.sandbox.platform.line_items import (
    SUBMISSION_TYPE_EXT,
    active_line_items,
    create_line_item,
    delete_line_item,
    ensure_coupled_line_item,
    line_item_json,
    update_line_item,
)
from ctom_lti.sandbox.platform.resource_links import find_resource_link
from ctom_lti.sandbox.platform.scopes import AGS_LINEITEM, AGS_LINEITEM_READONLY
from ctom_lti.sandbox.platform.state import LineItem, line_items
from ctom_lti.sandbox.platform.tokens import ServiceAuth, ServiceAuthError, authorize_service
from ctom_lti.sandbox.store import Store

bp = Blueprint("lti_ags", __name__)

CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
READ_SCOPES = (AGS_LINEITEM, AGS_LINEITEM_READONLY)
WRITE_SCOPES = (AGS_LINEITEM,)
DEFAULT_LIMIT = 10
MAX_LIMIT = 100

_BASE = "/api/lti/courses/<int:course_id>/line_items"


class AgsError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _auth(course_id: int, scopes: tuple[str, ...]) -> ServiceAuth:
    try:
        return authorize_service(web.store(), course_id, scopes)
    except ServiceAuthError as exc:
        raise AgsError(exc.message, exc.status) from exc


@bp.errorhandler(AgsError)
def _ags_error(exc: AgsError) -> Response:
    return web.service_error(exc.message, exc.status)


def find_line_item(store: Store, auth: ServiceAuth, line_item_id: int) -> LineItem:
    """The line item, if the calling key may see it (§5.3: 412 for another key's, 404 if gone)."""
    item = line_items(store).get(line_item_id)
    if item is None or item.course_id != auth.course.id:
        raise AgsError("The specified LTI line item could not be found", 404)
    assignment = store.assignments.get(item.assignment_id)
    if assignment is None or assignment.workflow_state == "deleted":
        raise AgsError("The specified LTI line item could not be found", 404)
    if item.client_id != auth.key.client_id:
        raise AgsError("Tool does not have permission to view line_item", 412)
    return item


@bp.route(_BASE, methods=["GET"])
def index(course_id: int) -> Response:
    """canvas-lti.md §5.3 list: the calling key's line items; filters tag, resource_id,
    resource_link_id; 10 per page."""
    store = web.store()
    auth = _auth(course_id, READ_SCOPES)
    items = active_line_items(store, course_id, auth.key.client_id)
    for name in ("tag", "resource_id", "resource_link_id"):
        wanted = request.args.get(name)
        if wanted is not None:
            items = [li for li in items if getattr(li, name) == wanted]
    include_launch = "launch_url" in request.args.getlist("include[]")
    page = paging.read_page(DEFAULT_LIMIT, MAX_LIMIT, len(items))
    body = [
        line_item_json(store, li, web.base_url(), include_launch_url=include_launch)
        for li in paging.slice_page(items, page)
    ]
    response = web.json_response(body, CONTAINER_TYPE)
    response.headers["Link"] = paging.link_header(page)
    return response


@bp.route(_BASE, methods=["POST"])
def create(course_id: int) -> Response:
    """canvas-lti.md §5.3 create: attach to a resource link's assignment or make one (201)."""
    store = web.store()
    auth = _auth(course_id, WRITE_SCOPES)
    body = _json_body()
    label = body.get("label")
    score_maximum = _number_or_none(body.get("scoreMaximum"))
    if not isinstance(label, str) or not label.strip():
        raise AgsError("label is required", 400)
    if score_maximum is None or score_maximum < 0:
        raise AgsError("scoreMaximum is required and must be a number >= 0", 400)
    submission_type = body.get(SUBMISSION_TYPE_EXT)
    if submission_type is not None and (
        not isinstance(submission_type, dict)
        or submission_type.get("type") not in {"none", "external_tool"}
    ):
        # §5.3: anything but none/external_tool is a 400 with a plain ``error`` body.
        response = web.json_response(
            {"error": "Invalid submission_type: must be 'none' or 'external_tool'"},
            "application/json",
            400,
        )
        return response
    assignment: Assignment | None = None
    rlid = body.get("resourceLinkId")
    if rlid:
        link = find_resource_link(store, course_id, str(rlid))
        if link is None:
            raise AgsError("The specified resource link could not be found", 404)
        if link.tool_id and link.tool_id != auth.tool.id:
            tool_ids = {
                t.id for t in store.external_tools.values() if t.client_id == auth.key.client_id
            }
            if link.tool_id not in tool_ids:
                raise AgsError(
                    "Resource link id points to Tool not associated with this Context", 412
                )
        assignment = next(
            (
                a
                for a in store.assignments.values()
                if a.course_id == course_id and a.resource_link_id == link.id
            ),
            None,
        )
        if assignment is not None:
            # The coupled line item comes first, so it stays the assignment's primary one.
            ensure_coupled_line_item(store, assignment, auth.tool)
    item = create_line_item(
        store,
        course_id,
        auth.tool,
        label=label.strip(),
        score_maximum=score_maximum,
        resource_id=_opt_str(body.get("resourceId")),
        tag=_opt_str(body.get("tag")),
        resource_link_assignment=assignment,
        resource_link_id=str(rlid) if rlid else None,
        submission_type=submission_type,
        start_date_time=_opt_str(body.get("startDateTime")),
        end_date_time=_opt_str(body.get("endDateTime")),
    )
    return web.json_response(line_item_json(store, item, web.base_url()), ITEM_TYPE, 201)


@bp.route(f"{_BASE}/<int:line_item_id>", methods=["GET"])
def show(course_id: int, line_item_id: int) -> Response:
    """canvas-lti.md §5.3 show (412 for another key's line item, 404 if gone)."""
    store = web.store()
    auth = _auth(course_id, READ_SCOPES)
    active_line_items(store, course_id, auth.key.client_id)
    item = find_line_item(store, auth, line_item_id)
    include_launch = "launch_url" in request.args.getlist("include[]")
    return web.json_response(
        line_item_json(store, item, web.base_url(), include_launch_url=include_launch), ITEM_TYPE
    )


@bp.route(f"{_BASE}/<int:line_item_id>", methods=["PUT"])
def update(course_id: int, line_item_id: int) -> Response:
    """canvas-lti.md §5.3 update: label and scoreMaximum carry over to the assignment."""
    store = web.store()
    auth = _auth(course_id, WRITE_SCOPES)
    item = find_line_item(store, auth, line_item_id)
    body = _json_body()
    new_maximum = _number_or_none(body.get("scoreMaximum"))
    if "scoreMaximum" in body and (new_maximum is None or new_maximum < 0):
        raise AgsError("scoreMaximum must be a number >= 0", 400)
    if "label" in body and (not isinstance(body["label"], str) or not body["label"].strip()):
        raise AgsError("label must not be blank", 400)
    update_line_item(store, item, body)
    return web.json_response(line_item_json(store, item, web.base_url()), ITEM_TYPE)


@bp.route(f"{_BASE}/<int:line_item_id>", methods=["DELETE"])
def destroy(course_id: int, line_item_id: int) -> Response:
    """canvas-lti.md §5.3 delete (204); a coupled line item cannot be deleted (401)."""
    store = web.store()
    auth = _auth(course_id, WRITE_SCOPES)
    item = find_line_item(store, auth, line_item_id)
    if item.coupled:
        raise AgsError("Cannot delete a coupled line item", 401)
    delete_line_item(store, item)
    return Response(status=204)


def _json_body() -> dict[str, Any]:
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise AgsError("The request body must be a JSON object", 400)
    return body


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
