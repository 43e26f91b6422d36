"""Objects sync made that the spec no longer wants: reported, or deleted with ``prune``.

Objects sync did not make are never deleted, and nothing is deleted without ``prune``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ctom_lti.canvas_sync.actions import Delete, Kind, Ref
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.planner.identity import COURSE_KEY, TOOL_KEY, MappingEntry
from ctom_lti.canvas_sync.planner.state import PlanState
from ctom_lti.canvas_sync.snapshot import CourseSnapshot, Scope


def plan_stale_objects(state: PlanState, scope: Scope) -> None:
    wanted = _desired_keys(state.desired)
    kinds = {Kind.OBSERVER} if scope is Scope.PAIRINGS else set(Kind)
    locate = _Locator(state.snap)
    stale = [
        e
        for e in state.mapping.values()
        if e.key not in wanted and e.kind in kinds and locate.exists(e)
    ]
    doomed = {e.key for e in stale if e.created_by_sync} if state.prune else set()
    for entry in sorted(stale, key=lambda e: _DELETE_ORDER.index(Kind(e.kind))):
        title = locate.title(entry)
        if not entry.created_by_sync:
            continue
        if not state.prune:
            state.warnings.append(
                f"{entry.kind} '{title}' was made by sync but is no longer in the spec or "
                "cohort file; it was kept (run with --prune to remove it)"
            )
            continue
        reason = locate.keeps_others(entry, doomed, state.mapping)
        if reason:
            state.warnings.append(f"{entry.kind} '{title}' was not removed: {reason}")
            continue
        module_id = locate.module_of(entry)
        if entry.kind == Kind.ITEM and module_id in {
            state.mapping[k].canvas_id for k in doomed if state.mapping[k].kind == Kind.MODULE
        }:
            continue  # deleting the module deletes its items
        deps = [a.id for a in state.actions if isinstance(a, Delete) and _before(a, entry)]
        action = Delete(
            Kind(entry.kind),
            entry.key,
            title,
            ref=Ref(entry.canvas_id, locate.url(entry)),
            module_id=module_id,
            deps=tuple(deps),
        )
        state.add(action)
        if entry.kind == Kind.ITEM and module_id is not None:
            state.item_deletes.setdefault(module_id, {})[entry.canvas_id] = action.id
        if entry.kind == Kind.MODULE:
            state.module_deletes[entry.canvas_id] = action.id


_DELETE_ORDER = [
    Kind.ITEM,
    Kind.MODULE,
    Kind.PAGE,
    Kind.ASSIGNMENT,
    Kind.GROUP,
    Kind.OBSERVER,
    Kind.TOOL,
    Kind.COURSE,
]


def _before(earlier: Delete, entry: MappingEntry) -> bool:
    return _DELETE_ORDER.index(earlier.kind) < _DELETE_ORDER.index(Kind(entry.kind))


def _desired_keys(desired: DesiredCourse) -> set[str]:
    keys = {COURSE_KEY, TOOL_KEY}
    keys |= {g.key for g in desired.groups}
    keys |= {p.key for p in desired.pages}
    keys |= {a.key for a in desired.assignments}
    keys |= {m.key for m in desired.modules}
    keys |= {i.key for m in desired.modules for i in m.items}
    keys |= {o.key for o in desired.observers}
    return keys


class _Locator:
    """Finds mapped objects in the snapshot (for stale-object handling)."""

    def __init__(self, snap: CourseSnapshot) -> None:
        self.snap = snap
        self.items = {i.id: i for m in snap.modules for i in (m.items or ())}
        self.modules = {m.id: m for m in snap.modules}
        self.pages = {p.page_id: p for p in snap.pages}
        self.assignments = {a.id: a for a in snap.assignments}
        self.groups = {g.id: g for g in snap.groups}
        self.enrollments = {e.id: e for e in snap.enrollments if e.enrollment_state != "deleted"}

    def _table(self, kind: str) -> Mapping[int, object]:
        tables: dict[Kind, Mapping[int, object]] = {
            Kind.ITEM: self.items,
            Kind.MODULE: self.modules,
            Kind.PAGE: self.pages,
            Kind.ASSIGNMENT: self.assignments,
            Kind.GROUP: self.groups,
            Kind.OBSERVER: self.enrollments,
        }
        return tables.get(Kind(kind), {})

    def exists(self, entry: MappingEntry) -> bool:
        return entry.canvas_id in self._table(entry.kind)

    def title(self, entry: MappingEntry) -> str:
        obj = self._table(entry.kind).get(entry.canvas_id)
        for attr in ("title", "name"):
            if obj is not None and hasattr(obj, attr):
                return str(getattr(obj, attr))
        return entry.key

    def url(self, entry: MappingEntry) -> str | None:
        page = self.pages.get(entry.canvas_id) if entry.kind == Kind.PAGE else None
        return page.url if page else None

    def module_of(self, entry: MappingEntry) -> int | None:
        item = self.items.get(entry.canvas_id) if entry.kind == Kind.ITEM else None
        return item.module_id if item else None

    def keeps_others(
        self, entry: MappingEntry, doomed: set[str], mapping: Mapping[str, MappingEntry]
    ) -> str:
        """Why deleting this would also delete things sync did not make ('' if it would not)."""
        doomed_ids = {(mapping[k].kind, mapping[k].canvas_id) for k in doomed if k in mapping}
        if entry.kind == Kind.GROUP:
            others = [
                a
                for a in self.snap.assignments
                if a.assignment_group_id == entry.canvas_id
                and (Kind.ASSIGNMENT, a.id) not in doomed_ids
            ]
            if others:
                return f"it still holds {len(others)} assignment(s) sync is not removing"
        if entry.kind == Kind.MODULE:
            module = self.modules[entry.canvas_id]
            kept = [i for i in module.items or () if (Kind.ITEM, i.id) not in doomed_ids]
            if kept:
                return f"it still holds {len(kept)} item(s) sync is not removing"
        return ""
