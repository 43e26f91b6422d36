"""Which actions of a plan may start: all their deps succeeded. Longest chains first.

Among ready actions the one heading the longest chain of dependants goes first (items of the
biggest module), so a bounded pool of workers finishes as early as it can. If an action fails,
everything that depends on it is skipped, and the rest carries on.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

from ctom_lti.canvas_sync.actions import Action
from ctom_lti.canvas_sync.outcome import Outcome, Status


def _heights(actions: Sequence[Action]) -> dict[str, int]:
    """Length of the longest chain of actions waiting on each action (itself included)."""
    dependants: dict[str, list[str]] = defaultdict(list)
    for action in actions:
        for dep in action.deps:
            dependants[dep].append(action.id)
    heights: dict[str, int] = {}
    for action in reversed(actions):  # the planner emits deps before their dependants
        heights[action.id] = 1 + max((heights.get(d, 1) for d in dependants[action.id]), default=0)
    return heights


class Schedule:
    """Which actions may start: all their deps succeeded. Longest chains first."""

    def __init__(self, actions: Sequence[Action]) -> None:
        self.actions = list(actions)
        self.by_id = {a.id: a for a in self.actions}
        self.waiting = {a.id: {d for d in a.deps if d in self.by_id} for a in self.actions}
        self.dependants: dict[str, list[str]] = defaultdict(list)
        for action in self.actions:
            for dep in self.waiting[action.id]:
                self.dependants[dep].append(action.id)
        self.heights = _heights(self.actions)
        self.order = {a.id: i for i, a in enumerate(self.actions)}
        self.outcomes: dict[str, Outcome] = {}
        self.ready: list[tuple[int, int, str]] = []
        for action in self.actions:
            if not self.waiting[action.id]:
                self._push(action.id)

    def _push(self, action_id: str) -> None:
        heapq.heappush(self.ready, (-self.heights[action_id], self.order[action_id], action_id))

    def has_ready(self) -> bool:
        while self.ready and self.ready[0][2] in self.outcomes:
            heapq.heappop(self.ready)
        return bool(self.ready)

    def pop(self) -> Action:
        return self.by_id[heapq.heappop(self.ready)[2]]

    def complete(self, outcome: Outcome) -> list[Outcome]:
        """Record an outcome; returns it plus the outcomes of dependants skipped because of it."""
        settled = [outcome]
        self.outcomes[outcome.action.id] = outcome
        pending = [outcome]
        while pending:
            done = pending.pop()
            for nxt in self.dependants[done.action.id]:
                if nxt in self.outcomes:
                    continue
                if done.ok:
                    self.waiting[nxt].discard(done.action.id)
                    if not self.waiting[nxt]:
                        self._push(nxt)
                    continue
                skipped = Outcome(
                    self.by_id[nxt],
                    Status.SKIPPED,
                    error=f"not attempted: {done.action.kind} '{done.action.title}' did not "
                    "succeed",
                )
                self.outcomes[nxt] = skipped
                settled.append(skipped)
                pending.append(skipped)
        return settled

    def results(self) -> list[Outcome]:
        """Every action's outcome, in plan order (never-reached ones reported as skipped)."""
        return [
            self.outcomes.get(a.id)
            or Outcome(a, Status.SKIPPED, error="its prerequisites did not complete")
            for a in self.actions
        ]
