"""Deep linking: the settings Canvas sends, and the return endpoint that creates content.

canvas-lti.md §4.3 (settings per placement) and §6 (the response JWT, its checks, and what each
placement creates): link_selection adds module items with new resource links; assignment
selection-style placements make gradable assignments with a line item.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from flask import Blueprint, Response, render_template, request

from ctom_lti.sandbox.content import add_module_item, create_assignment, create_module
from ctom_lti.sandbox.platform import web
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, find_developer_key
from ctom_lti.sandbox.platform.line_items import ensure_coupled_line_item
from ctom_lti.sandbox.platform.resource_links import link_for_assignment, link_for_module_item
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.tokens import TokenRequestError, check_times, verify_tool_jwt
from ctom_lti.sandbox.store import ExternalTool, Module, Store

bp = Blueprint("lti_deep_linking", __name__, template_folder="templates")

DL = "https://purl.imsglobal.org/spec/lti-dl/claim"
CONTENT_ITEMS = f"{DL}/content_items"
LTILINK_MEDIA = "application/vnd.ims.lti.v1.ltilink"


@dataclass(frozen=True)
class PlacementSettings:
    accept_types: tuple[str, ...]
    accept_targets: tuple[str, ...]
    accept_media_types: str
    accept_multiple: bool
    auto_create: bool


#: canvas-lti.md §4.3 table (the placements the sandbox can launch deep linking from).
PLACEMENTS: dict[str, PlacementSettings] = {
    "assignment_selection": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, False, False
    ),
    "link_selection": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, False
    ),
    "course_assignments_menu": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, False
    ),
    "module_index_menu_modal": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, True
    ),
    "module_menu_modal": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, True
    ),
}
#: placements whose ltiResourceLink items become gradable assignments (§6)
ASSIGNMENT_PLACEMENTS = frozenset(
    {"assignment_selection", "course_assignments_menu", "module_index_menu_modal"}
)


def deep_linking_settings(
    store: Store,
    base_url: str,
    course_id: int,
    tool: ExternalTool,
    placement: str,
    *,
    module_id: int | None = None,
    assignment_id: int | None = None,
) -> dict[str, Any]:
    """The ``deep_linking_settings`` claim.

    Canvas's own state (placement, module, assignment) rides in the return URL's ``data`` JWT.
    """
    spec = PLACEMENTS[placement]
    data: dict[str, Any] = {"modal": True, "placement": placement, "tool_id": tool.id}
    if module_id is not None:
        data["module_id"] = module_id
    if assignment_id is not None:
        data["assignment_id"] = assignment_id
    token = jwt.encode(data, store.secret, algorithm="HS256")
    return_url = f"{base_url}/courses/{course_id}/deep_linking_response?data={token}"
    return {
        "deep_link_return_url": return_url,
        "accept_types": list(spec.accept_types),
        "accept_presentation_document_targets": list(spec.accept_targets),
        "accept_media_types": spec.accept_media_types,
        "accept_multiple": spec.accept_multiple,
        "auto_create": spec.auto_create,
    }


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class DeepLinkError(Exception):
    def __init__(self, attribute: str, message: str) -> None:
        super().__init__(message)
        self.attribute = attribute
        self.message = message


@bp.route("/courses/<int:course_id>/deep_linking_response", methods=["POST"])
def deep_linking_response(course_id: int) -> Response:
    """canvas-lti.md §6: verify the tool's JWT, then create what it returned."""
    store = web.store()
    course = store.courses.get(course_id)
    if course is None:
        return web.service_error("The specified resource does not exist.", 404)
    try:
        data = _decode_data(store, request.args.get("data", ""))
        claims, key = verify_response_jwt(store, request.form.get("JWT", ""))
        tool = store.external_tools.get(int(data.get("tool_id", 0)))
        if tool is None or tool.client_id != key.client_id:
            raise DeepLinkError("jwt", "The JWT was not issued by the tool that was launched")
    except DeepLinkError as exc:
        response = web.json_response(
            {
                "errors": {
                    exc.attribute: [
                        {
                            "attribute": exc.attribute,
                            "type": "JWT verification failure",
                            "message": exc.message,
                        }
                    ]
                }
            },
            "application/json",
            400,
        )
        return response
    items = claims.get(CONTENT_ITEMS) or []
    outcome = create_content(
        store,
        course_id,
        tool,
        str(data.get("placement")),
        items if isinstance(items, list) else [],
        module_id=data.get("module_id"),
        assignment_id=data.get("assignment_id"),
    )
    messages = {name: claims.get(f"{DL}/{name}") for name in ("msg", "log", "errormsg", "errorlog")}
    body = render_template(
        "sandbox_platform/deep_linking_done.html",
        course=course,
        outcome=outcome,
        messages=messages,
        items=items,
    )
    return Response(body, mimetype="text/html")


def verify_response_jwt(store: Store, token: str) -> tuple[dict[str, Any], DeveloperKey]:
    """Signature, iss = client_id, aud ∋ issuer, iat window, exp, nonce once (§6)."""
    if not token:
        raise DeepLinkError("jwt", "JWT verification failure")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise DeepLinkError("jwt", "JWT verification failure") from exc
    key = find_developer_key(store, str(unverified.get("iss", "")))
    if key is None or not key.usable:
        raise DeepLinkError("jwt", "JWT verification failure")
    try:
        verify_tool_jwt(store, key, token, header)
        check_times(unverified, int(time.time()) + platform_settings(store).clock_offset)
    except TokenRequestError as exc:
        raise DeepLinkError("jwt", "JWT verification failure") from exc
    aud = unverified.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if store.issuer not in auds:
        raise DeepLinkError("jwt", "JWT verification failure")
    nonce = unverified.get("nonce")
    if not nonce:
        raise DeepLinkError("jwt", "JWT verification failure")
    used: dict[tuple[str, str], float] = store.table("lti_used_dl_nonces")
    with store.lock:
        if (key.client_id, str(nonce)) in used:
            raise DeepLinkError("jwt", "JWT verification failure")
        used[(key.client_id, str(nonce))] = time.time()
    return unverified, key


def _decode_data(store: Store, raw: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jwt.decode(raw, store.secret, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise DeepLinkError("data", "The deep linking data is missing or invalid") from exc
    return data


@dataclass(frozen=True)
class ContentItem:
    """One content item the tool returned, reduced to what the sandbox uses."""

    kind: str
    title: str
    url: str | None
    custom: dict[str, str]
    line_item: dict[str, Any]


def parse_item(raw: Any, tool: ExternalTool) -> ContentItem | None:
    if not isinstance(raw, dict):
        return None
    custom = raw.get("custom") if isinstance(raw.get("custom"), dict) else {}
    line_item = raw.get("lineItem") if isinstance(raw.get("lineItem"), dict) else {}
    return ContentItem(
        kind=str(raw.get("type", "")),
        title=str(raw.get("title") or raw.get("text") or tool.name),
        # An ltiResourceLink without a url launches the tool's own URL (§6).
        url=raw["url"] if isinstance(raw.get("url"), str) else tool.url,
        custom={str(k): str(v) for k, v in (custom or {}).items()},
        line_item=line_item or {},
    )


def create_content(
    store: Store,
    course_id: int,
    tool: ExternalTool,
    placement: str,
    items: list[Any],
    *,
    module_id: Any = None,
    assignment_id: Any = None,
) -> Outcome:
    """Turn content items into module items or assignments, as the placement dictates."""
    outcome = Outcome()
    allowed = PLACEMENTS.get(placement)
    module = store.modules.get(module_id) if isinstance(module_id, int) else None
    for raw in items:
        item = parse_item(raw, tool)
        if item is None or allowed is None or item.kind not in allowed.accept_types:
            label = f"{item.title} ({item.kind or 'no type'})" if item else "(not an object)"
            outcome.ignored.append(label)
            continue
        if placement in ASSIGNMENT_PLACEMENTS:
            _make_assignment(
                store, course_id, tool, item, assignment_id=assignment_id, module=module
            )
            outcome.created.append(f"Assignment: {item.title}")
            continue
        if module is None:
            module = create_module(store, course_id, f"{tool.name} content")
        module_item = add_module_item(
            store,
            module,
            "ExternalTool",
            item.title,
            content_id=tool.id,
            external_url=item.url,
            custom_params=item.custom or None,
        )
        link_for_module_item(store, module_item, tool)
        outcome.created.append(f"Module item: {item.title}")
    return outcome


def _make_assignment(
    store: Store,
    course_id: int,
    tool: ExternalTool,
    item: ContentItem,
    *,
    assignment_id: Any,
    module: Module | None,
) -> None:
    points = item.line_item.get("scoreMaximum")
    points = float(points) if isinstance(points, int | float) else None
    name = str(item.line_item.get("label") or item.title)
    assignment = store.assignments.get(assignment_id) if isinstance(assignment_id, int) else None
    with store.lock:
        if assignment is None:
            # The sandbox skips Canvas's assignment form (where the teacher would press
            # "Save & Publish") and publishes right away so the item shows in the gradebook.
            assignment = create_assignment(
                store,
                course_id,
                name,
                published=True,
                points_possible=points,
                submission_types=["external_tool"],
                external_tool_url=item.url,
                external_tool_custom_params=item.custom or None,
            )
        else:
            assignment.submission_types = ["external_tool"]
            assignment.external_tool_url = item.url
            assignment.external_tool_custom_params = item.custom or None
            if points is not None:
                assignment.points_possible = points
        link_for_assignment(store, assignment, tool)
        line_item = ensure_coupled_line_item(store, assignment, tool)
        line_item.resource_id = item.line_item.get("resourceId") or line_item.resource_id
        line_item.tag = item.line_item.get("tag") or line_item.tag
        if module is not None:
            add_module_item(store, module, "Assignment", assignment.name, content_id=assignment.id)
