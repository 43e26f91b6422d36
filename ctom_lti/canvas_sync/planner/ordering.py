"""Where objects go: creates and moves that put a container's objects in the wanted order. Pure.

Module and item order is planned by keeping the longest run of already correctly ordered objects
in place and inserting or moving the rest right after their predecessor, simulating Canvas's
insert-at-position so the positions sent are right when the actions run in order.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ctom_lti.canvas_sync.actions import Op


def _lis(keys: Sequence[str], rank: Mapping[str, int]) -> set[str]:
    """The longest subsequence of ``keys`` already in desired order (these stay in place)."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent: list[int] = [-1] * len(keys)
    for i, key in enumerate(keys):
        r = rank[key]
        j = bisect.bisect_left(tails, r)
        if j == len(tails):
            tails.append(r)
            tail_at.append(i)
        else:
            tails[j] = r
            tail_at[j] = i
        parent[i] = tail_at[j - 1] if j > 0 else -1
    keep: set[str] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(keys[i])
        i = parent[i]
    return keep


@dataclass(frozen=True)
class OrderStep:
    key: str
    #: ``Op.CREATE`` (insert a new object) or ``Op.MOVE`` (move an existing one)
    op: Op
    #: 1-based position to send, valid when the steps of a chain run in order; None = at the end
    position: int | None
    #: steps of one chain run in order; different chains may run side by side
    chain: int = 0


#: Below this many objects, filling an empty container from both ends is not worth two chains.
_TWO_ENDED_MIN = 4


def order_steps(current: Sequence[str], desired: Sequence[str]) -> list[OrderStep]:
    """Creates and moves that turn ``current`` into an order with ``desired`` as a subsequence.

    :param current: what Canvas has, in position order: desired keys for objects that are ours,
        any other distinct token for objects that are not (they keep their relative place).
    :param desired: our keys in the wanted order.

    An empty container is filled from both ends at once: one chain inserts the first half at
    position 1 in reverse order while another appends the second half. Inserts at the top and
    appends at the bottom commute, so the result is right whichever request Canvas handles
    first, and each chain is half as long.
    """
    if not current and len(desired) >= _TWO_ENDED_MIN:
        pivot = (len(desired) + 1) // 2
        front = [OrderStep(k, Op.CREATE, 1, chain=0) for k in reversed(desired[:pivot])]
        back = [OrderStep(k, Op.CREATE, None, chain=1) for k in desired[pivot:]]
        return front + back
    rank = {k: i for i, k in enumerate(desired)}
    present = [k for k in current if k in rank]
    anchors = _lis(present, rank)
    sim = list(current)
    steps: list[OrderStep] = []
    prev: str | None = None
    for key in desired:
        if key in anchors:
            prev = key
            continue
        op = Op.CREATE
        if key in sim:
            sim.remove(key)
            op = Op.MOVE
        at = sim.index(prev) + 1 if prev is not None else 0
        sim.insert(at, key)
        steps.append(OrderStep(key, op, at + 1))
        prev = key
    return steps


def insert_steps(current: Sequence[str], desired: Sequence[str]) -> list[OrderStep]:
    """Creates only: each missing key goes right after the nearest wanted key before it.

    For containers whose existing order sync does not enforce (assignments in a group): what is
    there stays put, new objects land next to their neighbours.
    """
    if not current:
        return order_steps(current, desired)
    sim = list(current)
    steps: list[OrderStep] = []
    prev: str | None = None
    for key in desired:
        if key not in sim:
            at = sim.index(prev) + 1 if prev is not None else 0
            sim.insert(at, key)
            steps.append(OrderStep(key, Op.CREATE, at + 1))
        prev = key
    return steps
