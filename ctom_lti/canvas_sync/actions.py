"""What the planner asks the runner to do: one frozen dataclass per kind of change.

Actions refer to objects by *desired key*; ids of objects created earlier in the same run are
looked up by the runner when the action runs. ``deps`` lists the ids of actions that must have
succeeded first (the module an item goes in, the item before it, the group of an assignment…);
independent actions run concurrently. Actions on modules and their items are in
``module_actions``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ctom_lti.canvas_sync.desired_objects import (
    CourseSettings,
    DesiredAssignment,
    DesiredGroup,
    DesiredObserver,
    DesiredPage,
)


class Kind(enum.StrEnum):
    COURSE = "course"
    TOOL = "tool"
    GROUP = "group"
    PAGE = "page"
    ASSIGNMENT = "assignment"
    MODULE = "module"
    ITEM = "item"
    OBSERVER = "observer"


class Op(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    MOVE = "move"
    PUBLISH = "publish"
    DELETE = "delete"
    #: record an existing Canvas object as this desired object (no Canvas call)
    ADOPT = "adopt"
    #: cannot be done this run; ``reason`` says why and what to do
    BLOCKED = "blocked"


#: Operations that write to Canvas.
WRITES = frozenset({Op.CREATE, Op.UPDATE, Op.MOVE, Op.PUBLISH, Op.DELETE})


@dataclass(frozen=True)
class Ref:
    """Where a desired object lives in Canvas."""

    #: Canvas id of the object (page_id for pages, enrollment id for observers)
    id: int
    #: page slug for pages (module items and page edits address pages by it)
    url: str | None = None


@dataclass(frozen=True)
class Change:
    """One field that differs: what Canvas has and what the course should have."""

    field: str
    old: Any
    new: Any

    def describe(self) -> str:
        def short(value: Any) -> str:
            if isinstance(value, datetime):
                return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            if isinstance(value, str) and len(value) > 40:
                return repr(value[:37] + "…")
            return repr(value)

        return f"{self.field}: {short(self.old)} → {short(self.new)}"


@dataclass(frozen=True)
class Action:
    kind: Kind
    key: str
    #: name shown in plan tables and reports
    title: str
    deps: tuple[str, ...] = field(default=(), kw_only=True)

    op: Op = field(init=False, default=Op.UPDATE)

    @property
    def id(self) -> str:
        return f"{self.op}:{self.key}"

    @property
    def writes(self) -> bool:
        return self.op in WRITES

    def detail(self) -> str:
        """A short description of what changes, for the plan table."""
        return ""


@dataclass(frozen=True)
class FieldUpdates(Action):
    """An update; ``changes`` are the fields that differ."""

    changes: tuple[Change, ...] = field(default=(), kw_only=True)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.changes)

    def detail(self) -> str:
        return "; ".join(c.describe() for c in self.changes)


@dataclass(frozen=True)
class CreateCourse(Action):
    settings: CourseSettings = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)

    def detail(self) -> str:
        return f"SIS id {self.settings.sis_course_id} in account {self.settings.account_id}"


@dataclass(frozen=True)
class UpdateCourse(FieldUpdates):
    course_id: int = field(kw_only=True)
    settings: CourseSettings = field(kw_only=True)
    publish: bool = field(default=False, kw_only=True)

    def detail(self) -> str:
        text = super().detail()
        return (
            f"{text}; publish" if self.publish and text else ("publish" if self.publish else text)
        )


@dataclass(frozen=True)
class InstallTool(Action):
    client_id: str = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)

    def detail(self) -> str:
        return f"from developer key {self.client_id}"


@dataclass(frozen=True)
class CreateGroup(Action):
    group: DesiredGroup = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)


@dataclass(frozen=True)
class UpdateGroup(FieldUpdates):
    group_id: int = field(kw_only=True)
    group: DesiredGroup = field(kw_only=True)


@dataclass(frozen=True)
class CreatePage(Action):
    page: DesiredPage = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)


@dataclass(frozen=True)
class UpdatePage(FieldUpdates):
    ref: Ref = field(kw_only=True)
    page: DesiredPage = field(kw_only=True)


def position_phrase(position: int | None) -> str:
    """Where a created object goes, as the plan table says it."""
    if position is None:
        return "at the end"
    return "at the top" if position == 1 else f"at position {position}"


@dataclass(frozen=True)
class CreateAssignment(Action):
    assignment: DesiredAssignment = field(kw_only=True)
    #: 1-based position in its group when this runs; None = at the end
    position: int | None = field(default=None, kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)

    def detail(self) -> str:
        return position_phrase(self.position)


@dataclass(frozen=True)
class UpdateAssignment(FieldUpdates):
    assignment_id: int = field(kw_only=True)
    assignment: DesiredAssignment = field(kw_only=True)


@dataclass(frozen=True)
class CreateObserver(Action):
    observer: DesiredObserver = field(kw_only=True)
    #: Canvas user id of the candidate the mentor will observe
    candidate_user_id: int = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)


@dataclass(frozen=True)
class Adopt(Action):
    """An existing Canvas object is this desired object; remember it (no Canvas call)."""

    ref: Ref = field(kw_only=True)
    created_by_sync: bool = field(kw_only=True)
    #: how it was recognised: ``marked`` (our integration_data), ``named``, ``enrolled``
    how: str = field(kw_only=True)
    sent_digest: str | None = field(default=None, kw_only=True)
    seen_digest: str | None = field(default=None, kw_only=True)
    op: Op = field(init=False, default=Op.ADOPT)

    def detail(self) -> str:
        return f"existing id {self.ref.id} ({self.how})"


@dataclass(frozen=True)
class Delete(Action):
    """Remove an object sync created that the course no longer wants (``--prune`` only)."""

    ref: Ref = field(kw_only=True)
    #: Canvas module id, for module items
    module_id: int | None = field(default=None, kw_only=True)
    op: Op = field(init=False, default=Op.DELETE)


@dataclass(frozen=True)
class Blocked(Action):
    reason: str = field(kw_only=True)
    #: True when this leaves the course incomplete (counts as a failure), False for a note
    fails: bool = field(default=True, kw_only=True)
    op: Op = field(init=False, default=Op.BLOCKED)

    def detail(self) -> str:
        return self.reason
