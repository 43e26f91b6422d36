"""Ordering steps: positions Canvas ends up with, around objects sync does not own."""

from __future__ import annotations

import itertools
import random

import pytest

from ctom_lti.canvas_sync.actions import CreateAssignment, Op
from ctom_lti.canvas_sync.module_actions import CreateItem
from ctom_lti.canvas_sync.planner import plan_sync
from ctom_lti.canvas_sync.planner.ordering import order_steps
from ctom_lti.canvas_sync.snapshot import CourseSnapshot

from .built import programme_course, tool

DESIRED = programme_course()


def canvas_insert(order: list[str], key: str, position: int | None) -> None:
    """What Canvas does with ``position`` on create/move: take out, put at position (or end)."""
    if key in order:
        order.remove(key)
    index = len(order) if position is None else max(0, min(len(order), position - 1))
    order.insert(index, key)


@pytest.mark.parametrize("seed", range(40))
def test_order_steps_give_the_desired_order_around_foreign_objects(seed: int) -> None:
    rng = random.Random(seed)
    desired = [f"k{i}" for i in range(rng.randint(1, 12))]
    present = rng.sample(desired, rng.randint(0, len(desired)))
    foreign = [f"#f{i}" for i in range(rng.randint(0, 4))]
    current = present + foreign
    rng.shuffle(current)
    order = list(current)
    steps = order_steps(current, desired)
    for step in steps:
        canvas_insert(order, step.key, step.position)
    assert [k for k in order if k in desired] == desired
    # Foreign objects keep their relative order; nothing is moved that was already in place.
    assert [k for k in order if k.startswith("#")] == [k for k in current if k.startswith("#")]
    assert sum(1 for s in steps if s.op is Op.MOVE) <= len(present)


def test_an_empty_container_is_filled_from_both_ends_in_any_interleaving() -> None:
    desired = [f"k{i}" for i in range(7)]
    steps = order_steps([], desired)
    chains = [[s for s in steps if s.chain == c] for c in (0, 1)]
    assert [len(c) for c in chains] == [4, 3]
    # Whatever order Canvas handles the two chains' requests in, the result is the same.
    for pattern in itertools.product((0, 1), repeat=len(desired)):
        if pattern.count(0) != len(chains[0]):
            continue
        order: list[str] = []
        queues = [list(c) for c in chains]
        for chain in pattern:
            step = queues[chain].pop(0)
            canvas_insert(order, step.key, step.position)
        assert order == desired


def test_a_full_plan_fills_fresh_modules_from_both_ends() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None, tools=(tool(),)), {})
    items = [
        a for a in plan.actions if isinstance(a, CreateItem) and a.module_key == "module:sessions"
    ]
    assert len(items) == 24
    front = [a for a in items if a.position == 1]
    back = [a for a in items if a.position is None]
    assert len(front) == 12 and len(back) == 12
    assignments = [
        a
        for a in plan.actions
        if isinstance(a, CreateAssignment) and a.assignment.group_key == "group:sessions"
    ]
    assert {a.position for a in assignments} == {1, None}
