"""The optimal assignment of candidates to mentors (pure; OR-Tools' min-cost flow does the solving).

A mentor who already has ``L`` mentees gets ``load_points(L + k)`` for their k-th new mentee,
which falls with every extra mentee, so the optimum spreads candidates over mentors when scores
are close. The matching first places as many candidates as can be placed, then maximises the
total score including load. Only allowed pairs become arcs, with one arc per mentor's free place
to the sink (capacity minus current load); solved by OR-Tools' ``SimpleMinCostFlow``, first on
each candidate's best few mentors, then with any pair the optimum's prices show could do better,
until none could (see ``_solve``): exact, and small enough for thousands of people.

Inputs are sorted by person id first, so the same cohort always gives the same proposal whatever
order the caller lists people in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from ctom_lti.tools.pairing.pair_table import BoolMatrix, IntArray, PairTable, pair_table
from ctom_lti.tools.pairing.rules import (
    LOAD_PENALTY_PER_MENTEE,
    CandidateFacts,
    MentorFacts,
    ScoreBreakdown,
    pair_score,
)
from ctom_lti.tools.pairing.unmatched import why_unmatched


@dataclass(frozen=True)
class ProposedPair:
    candidate_id: int
    mentor_id: int
    #: The pair's score parts, with the ``load`` part for the mentor's place in this proposal.
    score: ScoreBreakdown


@dataclass(frozen=True)
class Unmatched:
    candidate_id: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[ProposedPair, ...]  # by candidate id
    unmatched: tuple[Unmatched, ...]  # by candidate id
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(p.score.total for p in self.pairs))


def free_places(mentor: MentorFacts, current_load: Mapping[int, int]) -> int:
    return max(mentor.capacity - current_load.get(mentor.person_id, 0), 0)


def propose(
    candidates: Sequence[CandidateFacts],
    mentors: Sequence[MentorFacts],
    *,
    current_load: Mapping[int, int],
    ended_pairs: frozenset[tuple[int, int]],
    allow_repeat: bool = False,
) -> Proposal:
    """Place as many candidates as possible, then maximise the total score (load included).

    :param current_load: mentor id → mentees they already have (active pairings).
    :param ended_pairs: (candidate id, mentor id) of ended pairings, never proposed again unless
        ``allow_repeat``.
    """
    cands, ments = by_id(candidates, mentors)
    table = pair_table(cands, ments, ended_pairs=ended_pairs, allow_repeat=allow_repeat)
    loads, free = load_arrays(ments, current_load)
    mentor_of = _solve(table, loads, free)
    return proposal_from(cands, ments, table, loads=loads, free=free, mentor_of=mentor_of)


def by_id(
    candidates: Sequence[CandidateFacts], mentors: Sequence[MentorFacts]
) -> tuple[list[CandidateFacts], list[MentorFacts]]:
    """Both lists in person-id order, so results never depend on the caller's order."""
    return (
        sorted(candidates, key=lambda c: c.person_id),
        sorted(mentors, key=lambda m: m.person_id),
    )


def load_arrays(
    mentors: Sequence[MentorFacts], current_load: Mapping[int, int]
) -> tuple[IntArray, IntArray]:
    """Each mentor's current mentees and free places."""
    loads = np.array([current_load.get(m.person_id, 0) for m in mentors], dtype=np.int64)
    free = np.array([free_places(m, current_load) for m in mentors], dtype=np.int64)
    return loads, free


def proposal_from(
    cands: Sequence[CandidateFacts],
    ments: Sequence[MentorFacts],
    table: PairTable,
    *,
    loads: IntArray,
    free: IntArray,
    mentor_of: IntArray,
) -> Proposal:
    """The proposal for a chosen mentor per candidate (-1: left out), with every reason."""
    pairs: list[ProposedPair] = []
    by_mentor: dict[int, list[int]] = {}
    for i, j in enumerate(mentor_of.tolist()):
        if j >= 0:
            by_mentor.setdefault(j, []).append(i)
    for j, rows in by_mentor.items():
        # Which of a mentor's mentees is "first" does not change the total; by id is stable.
        for k, i in enumerate(rows):
            breakdown = pair_score(cands[i], ments[j], existing_mentees=int(loads[j]) + k)
            pairs.append(ProposedPair(cands[i].person_id, ments[j].person_id, breakdown))
    pairs.sort(key=lambda p: p.candidate_id)
    unmatched = tuple(
        Unmatched(c.person_id, why_unmatched(i, table, free, mentor_of))
        for i, c in enumerate(cands)
        if mentor_of[i] < 0
    )
    return Proposal(tuple(pairs), unmatched)


#: Mentors each candidate starts with (their best by score); more join only where needed.
FIRST_CHOICES = 48
#: Rounds of adding missing pairs before solving on every allowed pair (never needed in tests).
MOST_ROUNDS = 8


def _solve(table: PairTable, loads: IntArray, free: IntArray) -> IntArray:
    """Mentor column chosen for each candidate row, or -1 for a candidate left out.

    A flow network: source → each candidate (one unit) → a mentor they may have → sink, or
    candidate → sink directly ("left out") at a cost higher than any arrangement of the others
    could save, so the optimum places as many candidates as can be placed. A mentor reaches the
    sink by one arc per free place, the k-th costing the load points of their (current + k)-th
    mentee; those costs rise with k, so a mentor's cheaper places fill first and the load part is
    exact. A pair costs ``best + 1 - points``: among equally many placed, least cost is the
    highest score.

    Thousands of candidates x mentors make millions of pairs, but a candidate's optimum lies
    among their best few. So the network starts with each candidate's ``FIRST_CHOICES`` best
    mentors; from the optimum on those, node potentials (shortest distances in the residual
    network) price every pair left out, and a pair that would lower the cost joins the network
    for another round. When none would, the optimum on the few is the optimum on all (the
    reduced costs prove it), so the result is exact, not a heuristic.
    """
    n, m = table.allowed.shape
    mentor_of = np.full(n, -1, dtype=np.int64)
    open_ = table.allowed & (free > 0)[np.newaxis, :]
    if n == 0 or not open_.any():
        return mentor_of
    best = int(table.points[open_].max())
    cost = best + 1 - table.points  # per pair; only open pairs are ever used
    place_mentor = np.repeat(np.arange(m, dtype=np.int64), free)
    place = np.arange(place_mentor.size, dtype=np.int64) - np.repeat(np.cumsum(free) - free, free)
    place_cost = LOAD_PENALTY_PER_MENTEE * (loads[place_mentor] + place)
    left_out = n * (int(cost[open_].max()) + int(place_cost.max())) + 1

    chosen = _first_choices(open_, table.points)
    for _ in range(MOST_ROUNDS):
        rows, cols = np.nonzero(chosen)
        net = _Network(
            n, m, rows=rows, cols=cols, pair_cost=cost[rows, cols],
            place_mentor=place_mentor, place_cost=place_cost, left_out=left_out,
        )  # fmt: skip
        potential = net.potentials()
        reduced = cost + potential[:n, np.newaxis] - potential[np.newaxis, n : n + m]
        missing = open_ & ~chosen & (reduced < 0)
        if not missing.any():
            break
        chosen |= _most_negative(missing, reduced)
    else:  # pragma: no cover - a safety net: solve on every allowed pair
        rows, cols = np.nonzero(open_)
        net = _Network(
            n, m, rows=rows, cols=cols, pair_cost=cost[rows, cols],
            place_mentor=place_mentor, place_cost=place_cost, left_out=left_out,
        )  # fmt: skip
    used = net.pair_flows > 0
    mentor_of[rows[used]] = cols[used]
    return mentor_of


def _first_choices(open_: BoolMatrix, points: IntArray) -> BoolMatrix:
    """Each candidate's ``FIRST_CHOICES`` open mentors of the highest score."""
    if open_.shape[1] <= FIRST_CHOICES:
        return open_.copy()
    ranked = np.where(open_, points, points.min() - 1)
    top = np.argpartition(-ranked, FIRST_CHOICES - 1, axis=1)[:, :FIRST_CHOICES]
    chosen = np.zeros_like(open_)
    np.put_along_axis(chosen, top, True, axis=1)
    chosen &= open_
    return chosen


def _most_negative(missing: BoolMatrix, reduced: IntArray) -> BoolMatrix:
    """Of each candidate's missing pairs, the ``FIRST_CHOICES`` that would lower the cost most
    (adding every one at once would rebuild the whole network when scores tie)."""
    many = np.flatnonzero(missing.sum(axis=1) > FIRST_CHOICES)
    if many.size == 0:
        return missing
    add = missing.copy()
    rows = np.where(missing[many], reduced[many], 0)
    top = np.argpartition(rows, FIRST_CHOICES - 1, axis=1)[:, :FIRST_CHOICES]
    keep = np.zeros_like(rows, dtype=np.bool_)
    np.put_along_axis(keep, top, True, axis=1)
    add[many] &= keep
    return add


class _Network:
    """The flow network on some pairs, solved; nodes are candidates ``0..n-1``, mentors
    ``n..n+m-1``, then the source and the sink."""

    def __init__(
        self,
        n: int,
        m: int,
        *,
        rows: IntArray,
        cols: IntArray,
        pair_cost: IntArray,
        place_mentor: IntArray,
        place_cost: IntArray,
        left_out: int,
    ) -> None:
        source, sink = n + m, n + m + 1
        candidates = np.arange(n, dtype=np.int64)
        self.tails = np.concatenate([np.full(n, source), rows, candidates, n + place_mentor])
        self.heads = np.concatenate(
            [candidates, n + cols, np.full(n, sink), np.full(place_mentor.size, sink)]
        )
        self.costs = np.concatenate(
            [np.zeros(n, dtype=np.int64), pair_cost, np.full(n, left_out), place_cost]
        )
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            self.tails.astype(np.int32),
            self.heads.astype(np.int32),
            np.ones(self.tails.size, dtype=np.int64),
            self.costs,
        )
        flow.set_node_supply(source, n)
        flow.set_node_supply(sink, -n)
        status = flow.solve()
        if status != flow.OPTIMAL:  # pragma: no cover - every candidate can be left out
            raise RuntimeError(f"min-cost flow ended {status.name}")
        self.flows = np.asarray(flow.flows(np.arange(self.tails.size, dtype=np.int32)))
        self.pair_flows = self.flows[n : n + rows.size]
        self.nodes = n + m + 2

    def potentials(self) -> IntArray:
        """Shortest distances in the residual network from a root joined to every node at no
        cost (Bellman-Ford, each round over every arc at once): the optimum leaves no negative
        cycle, and each arc's reduced cost under these potentials is not negative."""
        used = self.flows > 0
        tails = np.where(used, self.heads, self.tails)
        heads = np.where(used, self.tails, self.heads)
        costs = np.where(used, -self.costs, self.costs)
        distance = np.zeros(self.nodes, dtype=np.int64)
        for _ in range(self.nodes):
            relaxed = distance.copy()
            np.minimum.at(relaxed, heads, distance[tails] + costs)
            if np.array_equal(relaxed, distance):
                return distance
            distance = relaxed
        raise RuntimeError("negative cycle in an optimal residual network")  # pragma: no cover
