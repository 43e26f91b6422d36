"""Planning modules and their items: matching, order, field changes and publishing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ctom_lti.canvas.dto import CanvasModule, CanvasModuleItem
from ctom_lti.canvas_sync.actions import Action, Blocked, Change, Kind, Op, Ref
from ctom_lti.canvas_sync.desired_objects import EXTERNAL_TOOL, DesiredItem, DesiredModule
from ctom_lti.canvas_sync.module_actions import (
    CreateItem,
    CreateModule,
    MoveItem,
    MoveModule,
    PublishModule,
    UpdateItem,
    UpdateModule,
)
from ctom_lti.canvas_sync.planner.diffs import OWN_STATE_ITEMS, item_changes
from ctom_lti.canvas_sync.planner.identity import TOOL_KEY, find_item, find_module
from ctom_lti.canvas_sync.planner.ordering import OrderStep, order_steps
from ctom_lti.canvas_sync.planner.state import PlanState

#: Why a link into the tool is not made or changed; the tool's own line says what to do.
NEEDS_TOOL = "needs the tool, which is not installed (see the tool above)"


@dataclass
class _ModulePlan:
    """Working state while planning one module's items."""

    module: DesiredModule
    found: CanvasModule | None
    matched: dict[str, CanvasModuleItem]
    #: the module holds items sync does not own
    foreign: bool
    base_deps: tuple[str, ...]
    #: ids of the creates and moves so far (each waits for the one before it in its chain)
    ordered: list[str] = field(default_factory=list)
    #: last ordered action id per chain
    last: dict[int, str] = field(default_factory=dict)
    updates: list[str] = field(default_factory=list)

    def follow(self, step: OrderStep, action_id: str) -> None:
        self.ordered.append(action_id)
        self.last[step.chain] = action_id

    created_unpublished: bool = False


def plan_modules(state: PlanState) -> None:
    claimed: set[int] = set()
    matched: dict[str, CanvasModule] = {}
    for module in state.desired.modules:
        entry = state.mapping.get(module.key)
        found, how = find_module(state.snap.modules, module.name, entry, claimed)
        if found is not None:
            claimed.add(found.id)
            matched[module.key] = found
            state.adopt(Kind.MODULE, module.key, module.name, Ref(found.id), how)
    token = {m.id: key for key, m in matched.items()}
    current = [
        token.get(m.id, f"#{m.id}") for m in state.snap.modules if m.id not in state.module_deletes
    ]
    by_key = {m.key: m for m in state.desired.modules}
    last: dict[int, str] = {}
    chain_deps = state.course_deps + tuple(state.module_deletes.values())
    # Creates and moves in step order: each waits for the one before it in its chain.
    for step in order_steps(current, list(by_key)):
        module = by_key[step.key]
        previous = last.get(step.chain)
        deps = tuple(dict.fromkeys(chain_deps + ((previous,) if previous else ())))
        ordered: Action
        if step.op is Op.CREATE:
            ordered = CreateModule(
                Kind.MODULE,
                module.key,
                module.name,
                module=module,
                position=step.position,
                deps=deps,
            )
        else:
            assert step.position is not None  # moves always have a place to go
            ordered = MoveModule(
                Kind.MODULE,
                module.key,
                module.name,
                module_id=matched[module.key].id,
                position=step.position,
                deps=deps,
            )
        last[step.chain] = state.add(ordered).id
    for module in state.desired.modules:
        found = matched.get(module.key)
        if found is not None and found.name != module.name:
            state.add(
                UpdateModule(
                    Kind.MODULE,
                    module.key,
                    module.name,
                    changes=(Change("name", found.name, module.name),),
                    module_id=found.id,
                    module=module,
                    deps=state.course_deps,
                )
            )
        _items(state, module, found)
        if found is not None and module.key not in {
            a.key for a in state.actions if a.writes and a.kind is Kind.MODULE
        }:
            state.unchanged.append(module.key)


def _items(state: PlanState, module: DesiredModule, found: CanvasModule | None) -> None:
    removed = state.item_deletes.get(found.id, {}) if found is not None else {}
    existing = [i for i in (found.items or ()) if i.id not in removed] if found else []
    claimed: set[int] = set()
    matched: dict[str, CanvasModuleItem] = {}
    for want in module.items:
        content = state.known.get(want.content_key) if want.content_key else None
        item, how = find_item(existing, want, content, state.mapping.get(want.key), claimed)
        if item is not None:
            claimed.add(item.id)
            matched[want.key] = item
            state.adopt(Kind.ITEM, want.key, want.title, Ref(item.id), how)
    # A link into the tool cannot be made without the tool; it is left out of the order.
    tool_ok = TOOL_KEY in state.known or TOOL_KEY in state.creating
    placeable = [i for i in module.items if i.key in matched or i.type != EXTERNAL_TOOL or tool_ok]
    for want in module.items:
        if want not in placeable:
            state.add(Blocked(Kind.ITEM, want.key, want.title, reason=NEEDS_TOOL))
    token = {i.id: key for key, i in matched.items()}
    module_dep = state.creating.get(module.key)
    plan = _ModulePlan(
        module=module,
        found=found,
        matched=matched,
        foreign=len(existing) > len(matched),
        # Every ordered item action waits for the module, for prune's removals in it and
        # for the action before it in its chain: positions are right only in that order.
        base_deps=(*state.course_deps, *([module_dep] if module_dep else []), *removed.values()),
    )
    by_key = {i.key: i for i in placeable}
    current = [token.get(i.id, f"#{i.id}") for i in existing]
    moved: set[str] = set()
    for step in order_steps(current, list(by_key)):
        _ordered_item(state, plan, step, by_key[step.key])
        moved.add(step.key)
    for want in placeable:
        item = matched.get(want.key)
        if item is not None:
            _item_update(state, plan, want, item, moved=want.key in moved, tool_ok=tool_ok)
    _publish(state, plan)


def _ordered_item(state: PlanState, plan: _ModulePlan, step: OrderStep, want: DesiredItem) -> None:
    previous = plan.last.get(step.chain)
    deps = [*plan.base_deps, *([previous] if previous else [])]
    if step.op is Op.MOVE:
        assert step.position is not None  # moves always have a place to go
        move = MoveItem(
            Kind.ITEM,
            want.key,
            want.title,
            module_key=plan.module.key,
            item_id=plan.matched[want.key].id,
            position=step.position,
            deps=tuple(dict.fromkeys(deps)),
        )
        plan.follow(step, state.add(move).id)
        return
    if want.content_key in state.creating:
        deps.append(state.creating[want.content_key])
    if want.type == EXTERNAL_TOOL and TOOL_KEY in state.creating:
        deps.append(state.creating[TOOL_KEY])
    create = state.add(
        CreateItem(
            Kind.ITEM,
            want.key,
            want.title,
            position=step.position,
            deps=tuple(dict.fromkeys(deps)),
            module_key=plan.module.key,
            item=want,
        )
    )
    plan.follow(step, create.id)
    plan.created_unpublished |= want.type in OWN_STATE_ITEMS
    if plan.foreign and want.type in OWN_STATE_ITEMS and plan.module.published:
        # The module is published without its items (they are not all ours), so this one
        # is published on its own; the runner fills in its new id.
        state.add(
            UpdateItem(
                Kind.ITEM,
                want.key,
                want.title,
                item_id=0,
                deps=(create.id,),
                changes=(Change("published", False, True),),
                module_key=plan.module.key,
                item=want,
            )
        )


def _item_update(
    state: PlanState,
    plan: _ModulePlan,
    want: DesiredItem,
    item: CanvasModuleItem,
    *,
    moved: bool,
    tool_ok: bool,
) -> None:
    changes = item_changes(want, item, publish=plan.module.published and plan.foreign)
    if changes and want.type == EXTERNAL_TOOL and not tool_ok:
        # A link into the tool is written with the tool's Canvas id; the tool this run names
        # is not in Canvas, so the link stays as it is and the report says what to do.
        state.add(Blocked(Kind.ITEM, want.key, want.title, reason=NEEDS_TOOL))
    elif changes:
        update = UpdateItem(
            Kind.ITEM,
            want.key,
            want.title,
            item_id=item.id,
            changes=tuple(changes),
            deps=state.course_deps,
            module_key=plan.module.key,
            item=want,
        )
        plan.updates.append(state.add(update).id)
    elif not moved:
        state.unchanged.append(want.key)


def _publish(state: PlanState, plan: _ModulePlan) -> None:
    module, found = plan.module, plan.found
    if not module.published:
        return
    unpublished_items = any(
        i.type in OWN_STATE_ITEMS and i.published is False for i in plan.matched.values()
    )
    module_unpublished = found is None or found.published is False
    if plan.foreign:
        # Publishing with content tags would also publish items sync does not own.
        needed = module_unpublished
    else:
        needed = module_unpublished or plan.created_unpublished or unpublished_items
    if not needed:
        return
    deps = [*state.course_deps, *plan.ordered, *plan.updates]
    if module.key in state.creating:
        deps.append(state.creating[module.key])
    state.add(
        PublishModule(
            Kind.MODULE,
            module.key,
            module.name,
            module_key=module.key,
            skip_content_tags=plan.foreign,
            deps=tuple(dict.fromkeys(deps)),
        )
    )
