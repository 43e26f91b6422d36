"""A greedy matching: the yardstick the optimal matching is measured against (never better).

Candidates in id order each take the allowed mentor with a free place whose next seat is worth
most now (score plus load), ties to the lowest mentor id. Fast and plausible, but an early
candidate can take the only mentor a later one could have had, or a seat someone needed more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ctom_lti.tools.pairing.matching import Proposal, by_id, load_arrays, proposal_from
from ctom_lti.tools.pairing.pair_table import pair_table
from ctom_lti.tools.pairing.rules import LOAD_PENALTY_PER_MENTEE, CandidateFacts, MentorFacts


def greedy(
    candidates: Sequence[CandidateFacts],
    mentors: Sequence[MentorFacts],
    *,
    current_load: Mapping[int, int],
    ended_pairs: frozenset[tuple[int, int]],
    allow_repeat: bool = False,
) -> Proposal:
    cands, ments = by_id(candidates, mentors)
    table = pair_table(cands, ments, ended_pairs=ended_pairs, allow_repeat=allow_repeat)
    loads, free = load_arrays(ments, current_load)
    left = free.copy()
    taken = np.zeros_like(free)
    mentor_of = np.full(len(cands), -1, dtype=np.int64)
    for i in range(len(cands)):
        open_ = table.allowed[i] & (left > 0)
        if not open_.any():
            continue
        worth = table.points[i] - LOAD_PENALTY_PER_MENTEE * (loads + taken)
        j = int(np.argmax(np.where(open_, worth, np.iinfo(np.int64).min)))
        mentor_of[i] = j
        left[j] -= 1
        taken[j] += 1
    return proposal_from(cands, ments, table, loads=loads, free=free, mentor_of=mentor_of)
