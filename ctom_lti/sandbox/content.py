"""Course content operations shared by the REST API, the UI, deep linking and seeds.

Each function applies one Canvas model rule (positions, defaults, publish state) to the store
under its lock, so that however an object is created it looks the way Canvas makes it. Pages,
with their titles and slugs, are in ``wiki_pages``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from ctom_lti.sandbox.coursework_records import Assignment, AssignmentGroup, Module, ModuleItem
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

#: module item types whose item mirrors a piece of course content (canvas-rest.md §4.6)
CONTENT_ITEM_TYPES = ("File", "Page", "Discussion", "Assignment", "Quiz")
ITEM_TYPES = (*CONTENT_ITEM_TYPES, "SubHeader", "ExternalUrl", "ExternalTool")


class Positioned(Protocol):
    position: int


def _reposition(items: Iterable[Positioned], moving: Positioned, position: int | None) -> None:
    """Put ``moving`` at 1-based ``position`` (end when None) and renumber the rest 1..n."""
    others = sorted((i for i in items if i is not moving), key=lambda i: i.position)
    index = len(others) if position is None else max(0, min(len(others), position - 1))
    others.insert(index, moving)
    for n, item in enumerate(others, start=1):
        item.position = n


# --- assignment groups (canvas-rest.md §4.8) ----------------------------------------------------


def active_groups(store: Store, course_id: int) -> list[AssignmentGroup]:
    return sorted(
        (
            g
            for g in store.assignment_groups.values()
            if g.course_id == course_id and g.workflow_state != "deleted"
        ),
        key=lambda g: (g.position, g.id),
    )


def add_assignment_group(
    store: Store,
    course_id: int,
    name: str,
    *,
    position: int | None = None,
    group_weight: float = 0.0,
    sis_source_id: str | None = None,
    integration_data: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
) -> AssignmentGroup:
    with store.lock:
        group = AssignmentGroup(
            id=store.next_id("assignment_groups"),
            course_id=course_id,
            name=name,
            group_weight=group_weight,
            sis_source_id=sis_source_id,
            integration_data=dict(integration_data or {}),
            rules=dict(rules or {}),
        )
        existing = active_groups(store, course_id)
        group.position = len(existing) + 1
        store.assignment_groups[group.id] = group
        if position is not None:
            _reposition([*existing, group], group, position)
        return group


# --- assignments (canvas-rest.md §4.9) ----------------------------------------------------------


def course_assignments(store: Store, course_id: int) -> list[Assignment]:
    """Active assignments in Canvas's default order: group position, then assignment position."""
    groups = {g.id: g.position for g in active_groups(store, course_id)}
    return sorted(
        (
            a
            for a in store.assignments.values()
            if a.course_id == course_id and a.workflow_state != "deleted"
        ),
        key=lambda a: (groups.get(a.assignment_group_id, 0), a.position, a.id),
    )


def set_assignment_published(assignment: Assignment, published: bool) -> None:
    assignment.published = published
    assignment.workflow_state = "published" if published else "unpublished"
    assignment.updated_at = now()


def create_assignment(
    store: Store,
    course_id: int,
    name: str,
    *,
    assignment_group_id: int | None = None,
    position: int | None = None,
    published: bool = False,
    **fields: Any,
) -> Assignment:
    """A new assignment; an unknown or missing group falls back to the first group (§4.9)."""
    with store.lock:
        groups = active_groups(store, course_id)
        if not groups:
            groups = [add_assignment_group(store, course_id, "Assignments")]
        group_ids = {g.id for g in groups}
        group_id = assignment_group_id if assignment_group_id in group_ids else groups[0].id
        assignment = Assignment(
            id=store.next_id("assignments"),
            course_id=course_id,
            name=name,
            assignment_group_id=group_id,
            **fields,
        )
        set_assignment_published(assignment, published)
        if "external_tool" in assignment.submission_types and not assignment.resource_link_id:
            assignment.resource_link_id = str(uuid.uuid4())
        siblings = [
            a
            for a in store.assignments.values()
            if a.assignment_group_id == group_id and a.workflow_state != "deleted"
        ]
        assignment.position = len(siblings) + 1
        store.assignments[assignment.id] = assignment
        if position is not None:
            _reposition([*siblings, assignment], assignment, position)
        return assignment


# --- modules and items (canvas-rest.md §4.5, §4.6) -----------------------------------------------


def course_modules(store: Store, course_id: int) -> list[Module]:
    return sorted(
        (
            m
            for m in store.modules.values()
            if m.course_id == course_id and m.workflow_state != "deleted"
        ),
        key=lambda m: (m.position, m.id),
    )


def module_items(store: Store, module_id: int) -> list[ModuleItem]:
    return sorted(
        (
            i
            for i in store.module_items.values()
            if i.module_id == module_id and i.workflow_state != "deleted"
        ),
        key=lambda i: (i.position, i.id),
    )


def create_module(
    store: Store, course_id: int, name: str, *, position: int | None = None, **fields: Any
) -> Module:
    """A new module: always unpublished when created through the API (§4.5)."""
    with store.lock:
        existing = course_modules(store, course_id)
        module = Module(
            id=store.next_id("modules"),
            course_id=course_id,
            name=name,
            position=len(existing) + 1,
            **fields,
        )
        store.modules[module.id] = module
        if position is not None:
            _reposition([*existing, module], module, position)
        return module


def move_module(store: Store, module: Module, position: int) -> None:
    with store.lock:
        _reposition(course_modules(store, module.course_id), module, position)


def content_published(store: Store, item: ModuleItem) -> bool | None:
    """The published state of the content a content item points at (None if not mirrored)."""
    if item.type == "Assignment" and item.content_id in store.assignments:
        return store.assignments[item.content_id].published
    if item.type == "Page" and item.content_id in store.pages:
        return store.pages[item.content_id].workflow_state == "active"
    return None


def add_module_item(
    store: Store,
    module: Module,
    type_: str,
    title: str,
    *,
    position: int | None = None,
    content_id: int | None = None,
    **fields: Any,
) -> ModuleItem:
    """A new item; content items mirror the content's publish state, others start
    unpublished (§4.6)."""
    with store.lock:
        existing = module_items(store, module.id)
        item = ModuleItem(
            id=store.next_id("module_items"),
            course_id=module.course_id,
            module_id=module.id,
            type=type_,
            title=title,
            position=len(existing) + 1,
            content_id=content_id,
            **fields,
        )
        mirrored = content_published(store, item)
        item.workflow_state = "active" if mirrored else "unpublished"
        if type_ == "ExternalTool" and not item.resource_link_id:
            item.resource_link_id = str(uuid.uuid4())
        store.module_items[item.id] = item
        if position is not None:
            _reposition([*existing, item], item, position)
        return item


def move_module_item(store: Store, item: ModuleItem, module_id: int, position: int | None) -> None:
    with store.lock:
        if module_id != item.module_id:
            old = item.module_id
            item.module_id = module_id
            for n, other in enumerate(module_items(store, old), start=1):
                other.position = n
            if position is None:
                position = len(module_items(store, module_id))
        if position is not None:
            _reposition(module_items(store, item.module_id), item, position)


def set_item_published(store: Store, item: ModuleItem, published: bool) -> None:
    """Publishing a content item publishes its content too, as in Canvas."""
    item.workflow_state = "active" if published else "unpublished"
    if item.type == "Assignment" and item.content_id in store.assignments:
        set_assignment_published(store.assignments[item.content_id], published)
    elif item.type == "Page" and item.content_id in store.pages:
        page = store.pages[item.content_id]
        if not (page.front_page and not published):
            page.workflow_state = "active" if published else "unpublished"
