"""Resource links: the UUID a module item, assignment or deep-linked item launches with.

canvas-lti.md §1.3: assignments, module items and deep-linked links carry a ``resource_link_uuid``
(a UUID); navigation placements use the context's opaque id instead. The REST side may create
assignments and module items without one; the platform gives them one on first launch.
"""

from __future__ import annotations

import uuid

from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.coursework_records import Assignment, ModuleItem
from ctom_lti.sandbox.platform.state import ResourceLink, resource_links
from ctom_lti.sandbox.platform.tools import find_tool_for_url
from ctom_lti.sandbox.store import Store


def find_resource_link(store: Store, course_id: int, link_id: str) -> ResourceLink | None:
    """The resource link ``link_id`` in the course (from any of the places that hold one)."""
    with store.lock:
        link = resource_links(store).get(link_id)
        if link is not None:
            return link if link.course_id == course_id else None
        for assignment in store.assignments.values():
            if assignment.course_id == course_id and assignment.resource_link_id == link_id:
                tool = find_tool_for_url(
                    store, course_id, assignment.external_tool_url, assignment.external_tool_id
                )
                if tool is not None:
                    return link_for_assignment(store, assignment, tool)
        for item in store.module_items.values():
            if item.course_id == course_id and item.resource_link_id == link_id:
                tool = find_tool_for_url(store, course_id, item.external_url, item.content_id)
                if tool is not None:
                    return link_for_module_item(store, item, tool)
    return None


def link_for_assignment(store: Store, assignment: Assignment, tool: ExternalTool) -> ResourceLink:
    """The assignment's resource link (created, with a new UUID, on first need)."""
    with store.lock:
        if not assignment.resource_link_id:
            assignment.resource_link_id = str(uuid.uuid4())
        return _upsert(
            store,
            assignment.resource_link_id,
            course_id=assignment.course_id,
            tool=tool,
            url=assignment.external_tool_url,
            title=assignment.name,
            custom=assignment.external_tool_custom_params,
        )


def link_for_module_item(store: Store, item: ModuleItem, tool: ExternalTool) -> ResourceLink:
    """An ExternalTool module item's resource link (created on first need)."""
    with store.lock:
        if not item.resource_link_id:
            item.resource_link_id = str(uuid.uuid4())
        return _upsert(
            store,
            item.resource_link_id,
            course_id=item.course_id,
            tool=tool,
            url=item.external_url,
            title=item.title,
            custom=item.custom_params,
        )


def _upsert(
    store: Store,
    link_id: str,
    *,
    course_id: int,
    tool: ExternalTool,
    url: str | None,
    title: str,
    custom: dict[str, str] | None,
) -> ResourceLink:
    """The link record, kept in step with the object that owns it."""
    table = resource_links(store)
    link = table.get(link_id)
    if link is None:
        link = table[link_id] = ResourceLink(
            id=link_id, course_id=course_id, tool_id=tool.id, url=url, title=title
        )
    link.tool_id = tool.id
    link.url = url
    link.title = title
    link.custom = dict(custom or {})
    return link
