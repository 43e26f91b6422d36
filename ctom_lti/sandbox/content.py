"""Course content operations shared by the REST API, the UI, deep linking and seeds.

Each function applies one Canvas model rule (positions, defaults, publish state, slugs) to the
store under its lock, so that however an object is created it looks the way Canvas makes it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from ctom_lti.sandbox.slugs import to_url, unique_url
from ctom_lti.sandbox.store import (
    Assignment,
    AssignmentGroup,
    Module,
    ModuleItem,
    Page,
    Store,
    now,
)

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


# --- pages (canvas-rest.md §4.7) ----------------------------------------------------------------

_NUMBERED = re.compile(r"-\d+\Z")


class PageTitleError(ValueError):
    """A title Canvas refuses; ``str(exc)`` is Canvas's message."""


def course_pages(store: Store, course_id: int) -> list[Page]:
    return sorted(
        (
            p
            for p in store.pages.values()
            if p.course_id == course_id and p.workflow_state != "deleted"
        ),
        key=lambda p: p.id,
    )


def find_page(store: Store, course_id: int, url_or_id: str) -> Page | None:
    """By slug (current, then historical); ``page_id:N`` forces an id lookup; a bare number
    is tried as an id first and then as a slug (§4.7)."""
    pages = course_pages(store, course_id)
    if url_or_id.startswith("page_id:"):
        wanted = url_or_id[len("page_id:") :]
        return next((p for p in pages if str(p.id) == wanted), None)
    if url_or_id.isdigit():
        by_id = next((p for p in pages if p.id == int(url_or_id)), None)
        if by_id is not None:
            return by_id
    return next((p for p in pages if p.url == url_or_id), None) or next(
        (p for p in pages if url_or_id in p.old_urls), None
    )


def check_title(title: str) -> None:
    if not title.strip():
        raise PageTitleError("Title can't be blank")
    if not any(c.isalnum() for c in title):
        raise PageTitleError("Title must contain at least one letter or number")


def _dedupe_title(store: Store, course_id: int, title: str, page: Page | None) -> str:
    """Duplicate titles get ``-2``, ``-3``… (the common ``permanent_page_links``-off case)."""
    titles = {p.title for p in course_pages(store, course_id) if p is not page}
    if title not in titles:
        return title
    if _NUMBERED.search(title):
        # canvas-rest.md §4.7: a duplicate of a title already ending in -<n> is refused;
        # the exact message is not in the reference.
        raise PageTitleError("A page with this title already exists")
    n = 2
    while f"{title}-{n}" in titles:
        n += 1
    return f"{title}-{n}"


def _assign_url(store: Store, page: Page) -> None:
    taken: set[str] = set()
    for other in store.pages.values():
        if other.course_id == page.course_id and other is not page:
            if other.workflow_state != "deleted":
                taken.add(other.url)
            taken.update(other.old_urls)
    new_url = unique_url(to_url(page.title) or "page", taken)
    if page.url and page.url != new_url and page.url not in page.old_urls:
        page.old_urls.append(page.url)
    page.url = new_url


def create_page(
    store: Store,
    course_id: int,
    title: str,
    *,
    body: str | None = None,
    published: bool = False,
    front_page: bool = False,
    editing_roles: str = "teachers",
    user_id: int | None = None,
) -> Page:
    """A new page, unpublished unless asked (front pages are always published)."""
    check_title(title)
    with store.lock:
        title = _dedupe_title(store, course_id, title, None)
        page = Page(
            id=store.next_id("pages"),
            course_id=course_id,
            title=title,
            url="",
            body=body,
            editing_roles=editing_roles,
            last_edited_by_id=user_id,
        )
        _assign_url(store, page)
        store.pages[page.id] = page
        if front_page:
            set_front_page(store, page)
        page.workflow_state = "active" if (published or front_page) else "unpublished"
        return page


def retitle_page(store: Store, page: Page, title: str) -> None:
    """Changing the title changes the slug; the old slug keeps answering (§4.7)."""
    check_title(title)
    with store.lock:
        if title == page.title:
            return
        page.title = _dedupe_title(store, page.course_id, title, page)
        _assign_url(store, page)


def set_front_page(store: Store, page: Page) -> None:
    with store.lock:
        for other in course_pages(store, page.course_id):
            other.front_page = other is page
        page.workflow_state = "active"
