"""Every (candidate, mentor) pair at once, as arrays: allowed or not, why not, and its score.

``rules.py`` states each rule for one pair; this module applies the same rules to a whole cohort
with NumPy so that thousands of candidates x mentors take milliseconds rather than seconds. The
unit tests check that both agree pair by pair on random cohorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ctom_lti.tools.pairing.rules import (
    EXPERTISE_POINTS_PER_AREA,
    PREFERRED_MENTOR_POINTS,
    SAME_REGION_POINTS,
    CandidateFacts,
    MentorFacts,
    eligibility,
)

BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PairTable:
    """Rows are candidates, columns mentors, both in the order given."""

    eligible: BoolMatrix  # per mentor
    conflict: BoolMatrix  # named either way, same organisation, or the same person
    repeat: BoolMatrix  # an ended pairing that is not allowed again
    allowed: BoolMatrix  # eligible mentor, no conflict, no forbidden repeat
    points: IntArray  # rules.score(c, m).total for every pair


def pair_table(
    candidates: Sequence[CandidateFacts],
    mentors: Sequence[MentorFacts],
    *,
    ended_pairs: frozenset[tuple[int, int]],
    allow_repeat: bool = False,
) -> PairTable:
    n, m = len(candidates), len(mentors)
    eligible = np.array([eligibility(x).eligible for x in mentors], dtype=np.bool_).reshape(m)
    c_index = {c.person_id: i for i, c in enumerate(candidates)}
    m_index = {x.person_id: j for j, x in enumerate(mentors)}

    conflict = _same_organisation(candidates, mentors)
    for i, c in enumerate(candidates):
        for pid in c.conflict_ids:
            if pid in m_index:
                conflict[i, m_index[pid]] = True
        if c.person_id in m_index:
            conflict[i, m_index[c.person_id]] = True
    for j, x in enumerate(mentors):
        for pid in x.conflict_ids:
            if pid in c_index:
                conflict[c_index[pid], j] = True

    repeat = np.zeros((n, m), dtype=np.bool_)
    if not allow_repeat:
        for cid, mid in ended_pairs:
            if cid in c_index and mid in m_index:
                repeat[c_index[cid], m_index[mid]] = True

    allowed = eligible[np.newaxis, :] & ~conflict & ~repeat
    return PairTable(eligible, conflict, repeat, allowed, _points(candidates, mentors, m_index))


def _same_organisation(
    candidates: Sequence[CandidateFacts], mentors: Sequence[MentorFacts]
) -> BoolMatrix:
    codes: dict[str, int] = {}

    def code(name: str | None) -> int:
        key = " ".join((name or "").split()).casefold()
        return -1 if not key else codes.setdefault(key, len(codes))

    c_org = np.array([code(c.organisation) for c in candidates], dtype=np.int64)
    m_org = np.array([code(x.organisation) for x in mentors], dtype=np.int64)
    same: BoolMatrix = (c_org[:, np.newaxis] == m_org[np.newaxis, :]) & (c_org[:, np.newaxis] >= 0)
    return same


def _points(
    candidates: Sequence[CandidateFacts],
    mentors: Sequence[MentorFacts],
    m_index: dict[int, int],
) -> IntArray:
    n, m = len(candidates), len(mentors)
    areas = sorted({a for c in candidates for a in c.growth_areas})
    words = max(1, -(-len(areas) // 63))
    bit = {a: (k // 63, k % 63) for k, a in enumerate(areas)}
    c_mask = np.zeros((n, words), dtype=np.int64)
    m_mask = np.zeros((m, words), dtype=np.int64)
    for i, c in enumerate(candidates):
        for a in c.growth_areas:
            w, b = bit[a]
            c_mask[i, w] |= 1 << b
    for j, x in enumerate(mentors):
        for a in x.expertise:
            if a in bit:
                w, b = bit[a]
                m_mask[j, w] |= 1 << b
    covered = np.zeros((n, m), dtype=np.int64)
    for w in range(words):
        covered += np.bitwise_count(c_mask[:, w, np.newaxis] & m_mask[np.newaxis, :, w])
    points: IntArray = EXPERTISE_POINTS_PER_AREA * covered

    regions = {r: k for k, r in enumerate(sorted({x.region for x in mentors if x.region}))}
    c_region = np.array([regions.get(c.region or "", -1) for c in candidates], dtype=np.int64)
    m_region = np.array([regions.get(x.region or "", -2) for x in mentors], dtype=np.int64)
    points += SAME_REGION_POINTS * (c_region[:, np.newaxis] == m_region[np.newaxis, :])

    for i, c in enumerate(candidates):
        for pid in c.preferred_mentor_ids:
            if pid in m_index:
                points[i, m_index[pid]] += PREFERRED_MENTOR_POINTS
    return points
