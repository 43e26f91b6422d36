"""Reading a plan in tests: its actions by kind, its writes, and whether each step can run."""

from __future__ import annotations

from collections import Counter

from ctom_lti.canvas_sync.actions import Op
from ctom_lti.canvas_sync.planner import Plan


def kinds(plan: Plan, op: Op) -> Counter[str]:
    return Counter(a.kind.value for a in plan.actions if a.op is op)


def writes(plan: Plan) -> list[str]:
    return [a.id for a in plan.writes]


def check_dependencies(plan: Plan) -> None:
    """Every dependency is an earlier action of the plan (so the plan can run, and has no cycle)."""
    seen: set[str] = set()
    for action in plan.actions:
        assert set(action.deps) <= seen, (action.id, set(action.deps) - seen)
        seen.add(action.id)
