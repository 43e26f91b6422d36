"""The plan a run carries out, and the working state the planning steps share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ctom_lti.canvas_sync.actions import Action, Adopt, Kind, Op, Ref
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.planner.identity import MappingEntry
from ctom_lti.canvas_sync.planner.order import CourseOrder
from ctom_lti.canvas_sync.snapshot import CourseSnapshot


@dataclass(frozen=True)
class Plan:
    """What a run will do, in dependency order."""

    actions: tuple[Action, ...]
    #: desired keys already in Canvas, with where they are
    known: Mapping[str, Ref] = field(default_factory=dict, hash=False)
    #: desired keys that need no write
    unchanged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    course_id: int | None = None
    #: where each desired object sits in the finished course (for showing the plan)
    order: CourseOrder = field(default_factory=CourseOrder, hash=False)

    @property
    def writes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.writes)

    def count(self, op: Op) -> int:
        return sum(1 for a in self.actions if a.op is op)


class PlanState:
    """What the planning steps have decided so far; each step reads and adds to it."""

    def __init__(
        self,
        desired: DesiredCourse,
        snap: CourseSnapshot,
        mapping: Mapping[str, MappingEntry],
        prune: bool,
    ) -> None:
        self.desired = desired
        self.snap = snap
        self.mapping = mapping
        self.prune = prune
        self.actions: list[Action] = []
        self.known: dict[str, Ref] = {}
        self.unchanged: list[str] = []
        self.warnings: list[str] = []
        #: id of the action that creates each desired key this run
        self.creating: dict[str, str] = {}
        self.course_deps: tuple[str, ...] = ()
        #: Canvas module id -> (item id, delete action id) removed by prune this run
        self.item_deletes: dict[int, dict[int, str]] = {}
        #: Canvas module id -> delete action id, for modules removed by prune this run
        self.module_deletes: dict[int, str] = {}

    def add(self, action: Action) -> Action:
        self.actions.append(action)
        if action.op is Op.CREATE:
            self.creating[action.key] = action.id
        return action

    def keep(self, key: str, ref: Ref) -> None:
        self.known[key] = ref

    def after(self, *keys: str | None) -> tuple[str, ...]:
        """Deps: the course (if made this run) plus the creates of these keys (if any)."""
        deps = list(self.course_deps)
        for key in keys:
            if key is not None and key in self.creating:
                deps.append(self.creating[key])
        return tuple(dict.fromkeys(deps))

    def adopt(
        self,
        kind: Kind,
        key: str,
        title: str,
        ref: Ref,
        how: str,
        *,
        sent: str | None = None,
        seen: str | None = None,
    ) -> None:
        self.keep(key, ref)
        entry = self.mapping.get(key)
        if how == "mapped" and entry is not None:
            # Already recorded; only refresh the rich-text digests when they moved on.
            if sent is None or (entry.sent_digest, entry.seen_digest) == (sent, seen):
                return
            created = entry.created_by_sync
        else:
            # Our mark proves sync made it; a name match proves nothing, so it is never deleted.
            created = how == "marked"
        self.add(
            Adopt(
                kind,
                key,
                title,
                ref=ref,
                created_by_sync=created,
                how=how,
                sent_digest=sent,
                seen_digest=seen,
            )
        )
