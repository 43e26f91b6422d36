"""Which Canvas object is which desired one. Pure.

Each desired object is matched to at most one Canvas object, in this order:

1. the mapping table (desired key -> Canvas id recorded when sync made or adopted it);
2. sync's own mark: ``integration_data.ctom_key`` on assignments and assignment groups, which
   survives a crash between Canvas creating the object and the mapping row being written;
3. its name (title), for courses built or half-built by hand or before the mapping existed;
4. for module items, what they point at (the page, the assignment, the launch URL, a sub-header's
   text) within the module.

The runner finds objects the same way after Canvas leaves a create unconfirmed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from ctom_lti.canvas.dto import (
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasModule,
    CanvasModuleItem,
    CanvasPage,
)
from ctom_lti.canvas_sync.actions import Ref
from ctom_lti.canvas_sync.desired_objects import (
    ASSIGNMENT,
    EXTERNAL_TOOL,
    PAGE,
    SUBHEADER,
    DesiredItem,
    DesiredTool,
)

T = TypeVar("T")

#: integration_data key under which sync marks assignments and groups with their desired key
MARKER = "ctom_key"
COURSE_KEY, TOOL_KEY = "course", "tool"


@dataclass(frozen=True)
class MappingEntry:
    """A row of the sync mapping: this desired key is that Canvas object."""

    key: str
    kind: str
    #: Canvas id (page_id for pages, enrollment id for observers)
    canvas_id: int
    #: False for objects sync adopted by name: those are never deleted
    created_by_sync: bool
    #: digest of the rich text (page body, assignment description) sync last sent…
    sent_digest: str | None = None
    #: …and of what Canvas stored after sanitising it
    seen_digest: str | None = None


_WS_BETWEEN_TAGS = re.compile(r">\s+<")
_WS = re.compile(r"\s+")


def normalise_html(text: str | None) -> str:
    """Rich text as compared: whitespace runs collapsed, none between tags."""
    return _WS.sub(" ", _WS_BETWEEN_TAGS.sub("><", text or "")).strip()


def digest(text: str | None) -> str | None:
    if text is None:
        return None
    return hashlib.sha256(normalise_html(text).encode()).hexdigest()[:32]


def tool_matches(tool: CanvasExternalTool, want: DesiredTool) -> bool:
    """Whether ``tool`` is this tool: same developer key, or launching at the tool's address."""
    if want.client_id and tool.developer_key_id is not None:
        if str(tool.developer_key_id) == want.client_id:
            return True
        # Canvas may show the shard-local id: global id = shard * 10**13 + local id.
        if want.client_id.isdigit() and int(want.client_id) % 10**13 == tool.developer_key_id:
            return True
    ours = urlsplit(want.base_url)
    if tool.url:
        theirs = urlsplit(tool.url)
        if theirs.netloc.lower() == ours.netloc.lower():
            return True
    if tool.domain:
        domain = tool.domain.lower()
        # A domain may be given with or without a port.
        return domain in (ours.netloc.lower(), (ours.hostname or "").lower())
    return False


def _find(
    candidates: Iterable[T],
    entry: MappingEntry | None,
    claimed: set[int],
    *,
    id_of: Callable[[T], int],
    marked: Callable[[T], bool] | None = None,
    named: Callable[[T], bool] | None = None,
) -> tuple[T, str] | tuple[None, str]:
    """The Canvas object for a desired one and how it was recognised ('' when none)."""
    pool = [c for c in candidates if id_of(c) not in claimed]
    if entry is not None:
        for c in pool:
            if id_of(c) == entry.canvas_id:
                return c, "mapped"
    for how, test in (("marked", marked), ("named", named)):
        if test is None:
            continue
        for c in sorted(pool, key=id_of):
            if test(c):
                return c, how
    return None, ""


#: What sync marks with its desired key: assignment groups and assignments.
Markable = TypeVar("Markable", CanvasAssignmentGroup, CanvasAssignment)


def find_marked(
    objects: Iterable[Markable],
    key: str,
    name: str,
    entry: MappingEntry | None,
    claimed: set[int],
) -> tuple[Markable | None, str]:
    """The assignment group or assignment for desired ``key``: mapped, marked, or named."""
    return _find(
        objects,
        entry,
        claimed,
        id_of=lambda o: o.id,
        marked=lambda o: o.integration_data.get(MARKER) == key,
        named=lambda o: o.name == name,
    )


def find_page(
    pages: Iterable[CanvasPage], title: str, entry: MappingEntry | None, claimed: set[int]
) -> tuple[CanvasPage | None, str]:
    return _find(pages, entry, claimed, id_of=lambda p: p.page_id, named=lambda p: p.title == title)


def find_module(
    modules: Iterable[CanvasModule], name: str, entry: MappingEntry | None, claimed: set[int]
) -> tuple[CanvasModule | None, str]:
    return _find(modules, entry, claimed, id_of=lambda m: m.id, named=lambda m: m.name == name)


def item_points_at(item: CanvasModuleItem, want: DesiredItem, content: Ref | None) -> bool:
    """Whether a Canvas module item shows what the desired item should show."""
    if item.type != want.type:
        return False
    if want.type == SUBHEADER:
        return item.title == want.title
    if want.type == EXTERNAL_TOOL:
        return item.external_url == want.external_url
    if content is None:
        return False
    if want.type == PAGE:
        return item.page_url == content.url or (
            item.content_id is not None and item.content_id == content.id
        )
    return item.content_id == content.id


def find_item(
    items: Iterable[CanvasModuleItem],
    want: DesiredItem,
    content: Ref | None,
    entry: MappingEntry | None,
    claimed: set[int],
) -> tuple[CanvasModuleItem | None, str]:
    def points(item: CanvasModuleItem) -> bool:
        return item_points_at(item, want, content)

    def item_id(item: CanvasModuleItem) -> int:
        return item.id

    found, how = _find(items, entry, claimed, id_of=item_id, named=points)
    # A mapped item that now points elsewhere (its page was deleted and made again) is not this
    # item any more; a sub-header's text and a link's URL are ours to change, so those stay.
    moved_on = found is not None and not points(found)
    if how == "mapped" and want.type in (PAGE, ASSIGNMENT) and moved_on:
        return None, ""
    return found, how


def find_observer(
    enrollments: Iterable[CanvasEnrollment],
    mentor_sis: str,
    candidate: int | None,
    entry: MappingEntry | None,
    claimed: set[int],
) -> tuple[CanvasEnrollment | None, str]:
    """The observer enrollment linking this mentor to this candidate (Canvas user id)."""

    def observes(e: CanvasEnrollment) -> bool:
        return (
            candidate is not None
            and e.sis_user_id == mentor_sis
            and e.associated_user_id == candidate
        )

    def enrollment_id(e: CanvasEnrollment) -> int:
        return e.id

    return _find(enrollments, entry, claimed, id_of=enrollment_id, named=observes)
