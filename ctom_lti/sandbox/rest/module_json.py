"""Module JSON (canvas-rest.md §4.5) and module item JSON (§4.6)."""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox import content
from ctom_lti.sandbox.coursework_records import Module, ModuleItem
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.render import api_url, host
from ctom_lti.sandbox.timestamps import iso


def item_json(item: ModuleItem, includes: set[str] | None = None) -> dict[str, Any]:
    """ModuleItem JSON (§4.6): html_url absent for SubHeader; content_id absent for Page,
    SubHeader and ExternalUrl; page_url for Page; external_url + new_tab for links and tools."""
    s = store()
    data: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "position": item.position,
        "indent": item.indent,
        "quiz_lti": False,
        "type": item.type,
        "module_id": item.module_id,
    }
    if item.type != "SubHeader":
        data["html_url"] = f"{host()}/courses/{item.course_id}/modules/items/{item.id}"
    if item.type not in {"Page", "SubHeader", "ExternalUrl"}:
        data["content_id"] = item.content_id
    if item.type == "Page" and item.content_id in s.pages:
        page = s.pages[item.content_id]
        data["page_url"] = page.url
        data["publish_at"] = iso(page.publish_at)
        data["url"] = api_url(f"courses/{item.course_id}/pages/{page.url}")
    elif item.type == "Assignment":
        data["url"] = api_url(f"courses/{item.course_id}/assignments/{item.content_id}")
    elif item.type == "ExternalTool":
        data["url"] = api_url(
            f"courses/{item.course_id}/external_tools/sessionless_launch"
            f"?launch_type=module_item&module_item_id={item.id}"
        )
    if item.type in {"ExternalUrl", "ExternalTool"}:
        data["external_url"] = item.external_url
        data["new_tab"] = item.new_tab
    if item.completion_requirement:
        data["completion_requirement"] = {**item.completion_requirement, "completed": False}
    # content items share their content's state both ways (Canvas syncs tag and asset)
    mirrored = content.content_published(s, item)
    data["published"] = mirrored if mirrored is not None else item.workflow_state == "active"
    data["unpublishable"] = True
    if includes and "content_details" in includes:
        details: dict[str, Any] = {"locked_for_user": False}
        if item.type == "Assignment" and item.content_id in s.assignments:
            a = s.assignments[item.content_id]
            details |= {
                "points_possible": a.points_possible,
                "due_at": iso(a.due_at),
                "unlock_at": iso(a.unlock_at),
                "lock_at": iso(a.lock_at),
            }
        data["content_details"] = details
    return data


def module_json(module: Module, includes: set[str] | None = None) -> dict[str, Any]:
    """Module JSON (§4.5): ``published`` but no ``workflow_state``."""
    includes = includes or set()
    items = content.module_items(store(), module.id)
    data: dict[str, Any] = {
        "id": module.id,
        "name": module.name,
        "position": module.position,
        "unlock_at": iso(module.unlock_at),
        "require_sequential_progress": module.require_sequential_progress,
        "requirement_type": "all",
        "publish_final_grade": module.publish_final_grade,
        "prerequisite_module_ids": list(module.prerequisite_module_ids),
        "published": module.workflow_state == "active",
        "items_count": len(items),
        "items_url": api_url(f"courses/{module.course_id}/modules/{module.id}/items"),
    }
    # items inline only when there are at most 100 of them (§4.5)
    if "items" in includes and len(items) <= 100:
        data["items"] = [item_json(i, includes) for i in items]
    return data
