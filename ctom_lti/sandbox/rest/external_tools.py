"""External tools (canvas-rest.md §4.18): LTI 1.1 installs and LTI 1.3 installs by ``client_id``.

LTI 1.3 installs are deployments of a developer key the platform side keeps
(``ctom_lti.sandbox.platform``); this module only exposes them the way the REST API does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    account_chain,
    find_account,
    find_course,
    require_account_admin,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import Params, opt_str, params, section, to_bool
from ctom_lti.sandbox.timestamps import iso, now

bp = Blueprint("external_tools", __name__)

PRIVACY_LEVELS = ("anonymous", "name_only", "email_only", "public")
#: placements reported in tool JSON (a subset of canvas-lti.md §7.1's list)
PLACEMENTS = (
    "account_navigation",
    "assignment_edit",
    "assignment_menu",
    "assignment_selection",
    "assignment_view",
    "course_assignments_menu",
    "course_home_sub_navigation",
    "course_navigation",
    "course_settings_sub_navigation",
    "editor_button",
    "global_navigation",
    "homework_submission",
    "link_selection",
    "migration_selection",
    "module_index_menu",
    "module_menu",
    "resource_selection",
    "tool_configuration",
    "user_navigation",
)


def tool_json(tool: ExternalTool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tool.id,
        "domain": tool.domain,
        "url": tool.url,
        "consumer_key": tool.consumer_key,
        "name": tool.name,
        "description": tool.description,
        "created_at": iso(tool.created_at),
        "updated_at": iso(tool.updated_at),
        "privacy_level": tool.privacy_level,
        "custom_fields": dict(tool.custom_fields),
        "workflow_state": tool.workflow_state,
        "is_rce_favorite": False,
        "is_top_nav_favorite": False,
        "selection_width": 800,
        "selection_height": 800,
        "icon_url": tool.icon_url,
        "not_selectable": False,
        "version": tool.version,
        "unified_tool_id": None,
        "developer_key_id": tool.developer_key_id,
        "lti_registration_id": None,
        "deployment_id": store().deployment_id(tool),
        "vendor_help_link": None,
    }
    for placement in PLACEMENTS:
        settings = tool.placements.get(placement)
        data[placement] = dict(settings) if settings else None
    return data


def _context(course_id: str | None, account_id: str | None) -> tuple[str, int, list[int]]:
    """(context type, id, account chain) for the route, after the permission check."""
    s = store()
    if course_id is not None:
        course = find_course(course_id)
        return "Course", course.id, account_chain(s, course.account_id)
    account = find_account(account_id or "")
    return "Account", account.id, account_chain(s, account.id)


def _require_manage_context(course_id: str | None, account_id: str | None) -> None:
    if course_id is not None:
        require_manage(find_course(course_id))
    else:
        require_account_admin(find_account(account_id or ""))


def _install_lti13(context_type: str, context_id: int, client_id: str) -> ExternalTool:
    """§4.18: ``client_id`` installs the developer key's tool, through the platform side's
    :func:`deploy` so that REST and admin-UI installs are the same record. An unknown key is a
    404; a key that is not usable here is RecordInvalid (422, status inferred)."""
    from ctom_lti.sandbox.platform.tools import DeploymentError, deploy

    where = {"course_id": context_id} if context_type == "Course" else {"account_id": context_id}
    try:
        return deploy(store(), client_id, **where)
    except DeploymentError as exc:
        if exc.status == 404:
            raise errors.not_found() from None
        if exc.status == 422:
            raise errors.invalid_record([(None, str(exc), "invalid")]) from None
        raise errors.message(str(exc), exc.status) from None


def _placement_params(p: Params) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for placement in PLACEMENTS:
        if isinstance(p.get(placement), dict):
            settings = dict(p[placement])
            if "enabled" in settings:
                settings["enabled"] = to_bool(settings["enabled"])
            found[placement] = settings
    return found


def _install_lti11(context_type: str, context_id: int, p: Params) -> ExternalTool:
    problems: dict[str, list[str]] = {}
    for key in ("name", "consumer_key", "shared_secret"):
        if not opt_str(p, key):
            problems[key] = ["can't be blank"]
    privacy = opt_str(p, "privacy_level") or "anonymous"
    if privacy not in PRIVACY_LEVELS:
        problems["privacy_level"] = ["is not included in the list"]
    url, domain = opt_str(p, "url"), opt_str(p, "domain")
    if not url and not domain:
        problems["url"] = ["Either the url or domain should be set."]
    if problems:
        raise errors.model_errors(problems)
    s = store()
    external = section(p, "external_tool")
    with s.lock:
        if to_bool(external.get("verify_uniqueness", False)):
            for other in s.external_tools.values():
                if (
                    other.context_type == context_type
                    and other.context_id == context_id
                    and other.workflow_state != "deleted"
                    and other.consumer_key == opt_str(p, "consumer_key")
                    and (other.url == url and other.domain == domain)
                ):
                    raise errors.model_errors(
                        {
                            "tool_currently_installed": [
                                "The tool is already installed in this context."
                            ]
                        }
                    )
        custom = p.get("custom_fields")
        tool = ExternalTool(
            id=s.next_id("external_tools"),
            context_type=context_type,
            context_id=context_id,
            name=str(p["name"]),
            privacy_level=privacy,
            url=url,
            domain=domain,
            description=opt_str(p, "description"),
            consumer_key=opt_str(p, "consumer_key"),
            shared_secret=opt_str(p, "shared_secret"),
            custom_fields={str(k): str(v) for k, v in custom.items()}
            if isinstance(custom, dict)
            else {},
            placements=_placement_params(p),
            icon_url=opt_str(p, "icon_url"),
        )
        tool.workflow_state = privacy
        s.external_tools[tool.id] = tool
    return tool


# canvas-rest.md §4.18 (create: LTI 1.3 by client_id, or LTI 1.1)
@bp.post("/courses/<course_id>/external_tools")
@bp.post("/accounts/<account_id>/external_tools")
def create_tool(course_id: str | None = None, account_id: str | None = None) -> Response:
    _require_manage_context(course_id, account_id)
    context_type, context_id, _ = _context(course_id, account_id)
    p = params()
    client_id = opt_str(p, "client_id")
    if client_id:
        tool = _install_lti13(context_type, context_id, client_id)
    else:
        tool = _install_lti11(context_type, context_id, p)
    return jsonify(tool_json(tool))


def _visible(
    context_type: str, context_id: int, chain: list[int], include_parents: bool
) -> list[ExternalTool]:
    tools = []
    for tool in store().external_tools.values():
        if tool.workflow_state == "deleted":
            continue
        own = tool.context_type == context_type and tool.context_id == context_id
        parent = include_parents and tool.context_type == "Account" and tool.context_id in chain
        if own or parent:
            tools.append(tool)
    return sorted(tools, key=lambda t: t.id)


@bp.get("/courses/<course_id>/external_tools")
@bp.get("/accounts/<account_id>/external_tools")
def list_tools(course_id: str | None = None, account_id: str | None = None) -> Response:
    if course_id is not None:
        require_read(find_course(course_id))
    else:
        require_account_admin(find_account(account_id or ""))
    context_type, context_id, chain = _context(course_id, account_id)
    include_parents = to_bool(params().get("include_parents", False))
    return paginate(_visible(context_type, context_id, chain, include_parents), tool_json)


def _tool(course_id: str | None, account_id: str | None, tool_id: int) -> ExternalTool:
    context_type, context_id, chain = _context(course_id, account_id)
    tool = store().external_tools.get(tool_id)
    if tool is None or tool not in _visible(context_type, context_id, chain, True):
        raise errors.not_found()
    return tool


@bp.get("/courses/<course_id>/external_tools/<int:tool_id>")
@bp.get("/accounts/<account_id>/external_tools/<int:tool_id>")
def get_tool(tool_id: int, course_id: str | None = None, account_id: str | None = None) -> Response:
    if course_id is not None:
        require_read(find_course(course_id))
    else:
        require_account_admin(find_account(account_id or ""))
    return jsonify(tool_json(_tool(course_id, account_id, tool_id)))


@bp.put("/courses/<course_id>/external_tools/<int:tool_id>")
@bp.put("/accounts/<account_id>/external_tools/<int:tool_id>")
def update_tool(
    tool_id: int, course_id: str | None = None, account_id: str | None = None
) -> Response:
    _require_manage_context(course_id, account_id)
    tool = _tool(course_id, account_id, tool_id)
    p = params()
    with store().lock:
        if opt_str(p, "name"):
            tool.name = str(p["name"])
        if "description" in p:
            tool.description = opt_str(p, "description")
        for placement, settings in _placement_params(p).items():
            tool.placements[placement] = {**tool.placements.get(placement, {}), **settings}
        custom = p.get("custom_fields")
        if isinstance(custom, dict):
            tool.custom_fields = {str(k): str(v) for k, v in custom.items()}
        tool.updated_at = now()
    return jsonify(tool_json(tool))


@bp.delete("/courses/<course_id>/external_tools/<int:tool_id>")
@bp.delete("/accounts/<account_id>/external_tools/<int:tool_id>")
def delete_tool(
    tool_id: int, course_id: str | None = None, account_id: str | None = None
) -> Response:
    _require_manage_context(course_id, account_id)
    tool = _tool(course_id, account_id, tool_id)
    data = tool_json(tool)
    tool.workflow_state = "deleted"
    return jsonify(data)
