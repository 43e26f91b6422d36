"""The content a deep linking response creates (canvas-lti.md §6): link_selection adds module items
with new resource links; assignment selection-style placements make gradable assignments with a
line item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctom_lti.sandbox.content import add_module_item, create_assignment, create_module
from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.coursework_records import Module
from ctom_lti.sandbox.platform.deep_linking_placements import ASSIGNMENT_PLACEMENTS, PLACEMENTS
from ctom_lti.sandbox.platform.line_items import ensure_coupled_line_item
from ctom_lti.sandbox.platform.resource_links import link_for_assignment, link_for_module_item
from ctom_lti.sandbox.store import Store


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


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
