"""Course pages as Canvas keeps them (canvas-rest.md §4.7): titles Canvas accepts, duplicate titles
numbered, slugs that follow the title while old slugs keep answering, one front page per course."""

from __future__ import annotations

import re

from ctom_lti.sandbox.coursework_records import Page
from ctom_lti.sandbox.slugs import to_url, unique_url
from ctom_lti.sandbox.store import Store

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
