"""The optimal assignment of candidates to mentors (pure; SciPy does the solving).

Each mentor contributes one place ("slot") per free seat: capacity minus current load. Slot ``k``
of a mentor who already has ``L`` mentees is worth the pair's score plus ``load_points(L + k)``,
which falls with every extra mentee, so the optimum spreads candidates over mentors when scores
are close. Each candidate also has a private "left out" column that costs more than any
difference in score could repay, so the minimum-cost matching first places as many candidates as
can be placed, then maximises the total score including load. Only allowed pairs become edges
(a sparse graph), solved by ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``.

Inputs are sorted by person id first, so the same cohort always gives the same proposal whatever
order the caller lists people in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from ctom_lti.tools.pairing.pair_table import IntArray, PairTable, pair_table
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


def _solve(table: PairTable, loads: IntArray, free: IntArray) -> IntArray:
    """Mentor column chosen for each candidate row, or -1 for a candidate left out."""
    n, m = table.allowed.shape
    mentor_of = np.full(n, -1, dtype=np.int64)
    rows, cols = np.nonzero(table.allowed & (free > 0)[np.newaxis, :])
    if n == 0 or rows.size == 0:
        return mentor_of

    # One edge per (allowed pair, free slot of that mentor), already in row-major order.
    per_pair = free[cols]
    edge_row = np.repeat(rows, per_pair)
    edge_mentor = np.repeat(cols, per_pair)
    first_edge = np.cumsum(per_pair) - per_pair
    slot = np.arange(edge_row.size, dtype=np.int64) - np.repeat(first_edge, per_pair)
    slot_start = np.cumsum(free) - free
    edge_col = slot_start[edge_mentor] + slot
    worth = table.points[edge_row, edge_mentor] - LOAD_PENALTY_PER_MENTEE * (
        loads[edge_mentor] + slot
    )
    del slot, first_edge

    # Costs must be positive (a zero would read as "no edge"): each pair costs 1..most. Leaving a
    # candidate out costs more than any n pairs together, so placing one more candidate always
    # wins over any gain in score; among equally many placed, the least cost is the best score.
    best, worst = int(worth.max()), int(worth.min())
    most = best - worst + 1
    left_out = n * most + 1
    slots = int(free.sum())
    # Each row ends with its own "left out" column (numbered after every slot), so the CSR arrays
    # are built directly, without sorting tens of millions of entries.
    row_end = np.cumsum(np.bincount(edge_row, minlength=n))
    data = np.insert((best + 1 - worth).astype(np.float64), row_end, float(left_out))
    indices = np.insert(edge_col.astype(np.int32), row_end, slots + np.arange(n, dtype=np.int32))
    indptr = np.concatenate([[0], row_end + np.arange(1, n + 1)]).astype(np.int32)
    graph = csr_array((data, indices, indptr), shape=(n, slots + n))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)

    slot_mentor = np.repeat(np.arange(m, dtype=np.int64), free)
    placed = matched_cols < slots
    mentor_of[matched_rows[placed]] = slot_mentor[matched_cols[placed]]
    return mentor_of
