"""The capacity-slot matching the pairing used before its min-cost flow, kept as a second opinion:
each mentor's free places become columns of a sparse bipartite graph, each candidate gets a
private "left out" column, solved by SciPy's ``min_weight_full_bipartite_matching``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from ctom_lti.tools.pairing.matching import Proposal, by_id, load_arrays, proposal_from
from ctom_lti.tools.pairing.pair_table import IntArray, PairTable, pair_table
from ctom_lti.tools.pairing.rules import LOAD_PENALTY_PER_MENTEE, CandidateFacts, MentorFacts


def slot_propose(
    candidates: Sequence[CandidateFacts],
    mentors: Sequence[MentorFacts],
    *,
    current_load: dict[int, int],
    ended_pairs: frozenset[tuple[int, int]],
    allow_repeat: bool = False,
) -> Proposal:
    cands, ments = by_id(candidates, mentors)
    table = pair_table(cands, ments, ended_pairs=ended_pairs, allow_repeat=allow_repeat)
    loads, free = load_arrays(ments, current_load)
    mentor_of = _slot_solve(table, loads, free)
    return proposal_from(cands, ments, table, loads=loads, free=free, mentor_of=mentor_of)


def _slot_solve(table: PairTable, loads: IntArray, free: IntArray) -> IntArray:
    n, m = table.allowed.shape
    mentor_of = np.full(n, -1, dtype=np.int64)
    rows, cols = np.nonzero(table.allowed & (free > 0)[np.newaxis, :])
    if n == 0 or rows.size == 0:
        return mentor_of
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
    best, worst = int(worth.max()), int(worth.min())
    left_out = n * (best - worst + 1) + 1
    slots = int(free.sum())
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
