"""On small random cohorts the matching equals an exhaustive search, never does worse than the
greedy baseline, never breaks a hard constraint, and the cohort-wide arrays agree with the
one-pair rules."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.pairing import random_cohort, violations
from ctom_lti.tools.pairing.baseline import greedy
from ctom_lti.tools.pairing.matching import FIRST_CHOICES, Proposal, propose
from ctom_lti.tools.pairing.pair_table import pair_table
from ctom_lti.tools.pairing.rules import (
    CandidateFacts,
    MentorFacts,
    hard_constraint_violation,
    load_points,
    score,
)
from tests.unit.tools.pairing.factories import ALL_QUALIFICATIONS, candidate, mentor
from tests.unit.tools.pairing.slot_matching import slot_propose

AREAS = ("finance", "infrastructure", "security", "policy")
ORGANISATIONS = (None, "", "Fresno USD", "fresno  usd", "LACOE")
REGIONS = (None, "north", "south")
MENTOR_IDS = (100, 101, 102, 103)


@dataclass(frozen=True)
class Cohort:
    candidates: list[CandidateFacts]
    mentors: list[MentorFacts]
    load: dict[int, int]
    ended: frozenset[tuple[int, int]]
    allow_repeat: bool


@st.composite
def cohorts(draw: st.DrawFn, most_candidates: int = 6) -> Cohort:
    area_sets = st.frozensets(st.sampled_from(AREAS), max_size=3)
    ids = st.frozensets(st.sampled_from(MENTOR_IDS), max_size=2)
    n_mentors = draw(st.integers(0, len(MENTOR_IDS)))
    mentors = [
        mentor(
            MENTOR_IDS[j],
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            region=draw(st.sampled_from(REGIONS)),
            expertise=draw(area_sets),
            capacity=draw(st.integers(0, 3)),
            qualifications=draw(
                st.sampled_from([ALL_QUALIFICATIONS, ALL_QUALIFICATIONS - {"time"}])
            ),
            conflict_ids=draw(st.frozensets(st.integers(1, most_candidates), max_size=1)),
        )
        for j in range(n_mentors)
    ]
    candidates = [
        candidate(
            i,
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            region=draw(st.sampled_from(REGIONS)),
            growth_areas=draw(area_sets),
            preferred=draw(ids),
            conflicts=draw(ids),
        )
        for i in range(1, draw(st.integers(0, most_candidates)) + 1)
    ]
    load = {mid: draw(st.integers(0, 2)) for mid in MENTOR_IDS[:n_mentors]}
    pair = st.tuples(st.integers(1, most_candidates), st.sampled_from(MENTOR_IDS))
    ended = draw(st.frozensets(pair, max_size=4))
    return Cohort(candidates, mentors, load, ended, draw(st.booleans()))


def solve(cohort: Cohort) -> Proposal:
    return propose(
        cohort.candidates,
        cohort.mentors,
        current_load=cohort.load,
        ended_pairs=cohort.ended,
        allow_repeat=cohort.allow_repeat,
    )


def objective(assignment: dict[int, int], cohort: Cohort) -> tuple[int, int]:
    """(candidates placed, total score with load), straight from the one-pair rules."""
    people = {c.person_id: c for c in cohort.candidates}
    mentors = {m.person_id: m for m in cohort.mentors}
    total = sum(score(people[c], mentors[m]).total for c, m in assignment.items())
    for mid, count in Counter(assignment.values()).items():
        total += sum(load_points(cohort.load.get(mid, 0) + k) for k in range(count))
    return len(assignment), total


def brute_force(cohort: Cohort) -> tuple[int, int]:
    """The best objective over every assignment that respects every rule."""
    options = []
    for c in cohort.candidates:
        allowed: list[int | None] = [None]
        allowed += [
            m.person_id
            for m in cohort.mentors
            if hard_constraint_violation(
                c, m, ended_pairs=cohort.ended, allow_repeat=cohort.allow_repeat
            )
            is None
        ]
        options.append(allowed)
    room = {m.person_id: m.capacity - cohort.load.get(m.person_id, 0) for m in cohort.mentors}
    best = (0, 0)
    for choice in itertools.product(*options):
        assignment = {
            c.person_id: mid for c, mid in zip(cohort.candidates, choice, strict=True) if mid
        }
        if all(k <= room[mid] for mid, k in Counter(assignment.values()).items()):
            best = max(best, objective(assignment, cohort))
    return best


def as_assignment(p: Proposal) -> dict[int, int]:
    return {x.candidate_id: x.mentor_id for x in p.pairs}


@settings(max_examples=150, deadline=None)
@given(cohorts())
def test_matching_equals_exhaustive_search(cohort: Cohort) -> None:
    proposal = solve(cohort)
    assert objective(as_assignment(proposal), cohort) == brute_force(cohort)
    assert (len(proposal.pairs), proposal.total) == brute_force(cohort)


@settings(max_examples=200, deadline=None)
@given(cohorts(most_candidates=16))
def test_min_cost_flow_places_and_scores_as_the_capacity_slot_matching(cohort: Cohort) -> None:
    """Same candidates placed and the same total (ties may pick another, equally good, pair)."""
    flow = solve(cohort)
    slots = slot_propose(
        cohort.candidates,
        cohort.mentors,
        current_load=cohort.load,
        ended_pairs=cohort.ended,
        allow_repeat=cohort.allow_repeat,
    )
    assert (len(flow.pairs), flow.total) == (len(slots.pairs), slots.total)
    assert objective(as_assignment(flow), cohort) == (len(flow.pairs), flow.total)


@settings(max_examples=150, deadline=None)
@given(cohorts(most_candidates=12))
def test_matching_respects_every_rule_and_never_loses_to_greedy(cohort: Cohort) -> None:
    proposal = solve(cohort)
    mentors = {m.person_id: m for m in cohort.mentors}
    people = {c.person_id: c for c in cohort.candidates}
    for pair in proposal.pairs:
        assert (
            hard_constraint_violation(
                people[pair.candidate_id],
                mentors[pair.mentor_id],
                ended_pairs=cohort.ended,
                allow_repeat=cohort.allow_repeat,
            )
            is None
        )
    for mid, count in Counter(as_assignment(proposal).values()).items():
        assert cohort.load.get(mid, 0) + count <= mentors[mid].capacity
    placed = {p.candidate_id for p in proposal.pairs}
    left_out = {u.candidate_id for u in proposal.unmatched}
    assert placed | left_out == set(people) and not placed & left_out
    assert all(u.reason for u in proposal.unmatched)
    baseline = greedy(
        cohort.candidates,
        cohort.mentors,
        current_load=cohort.load,
        ended_pairs=cohort.ended,
        allow_repeat=cohort.allow_repeat,
    )
    assert (len(proposal.pairs), proposal.total) >= (len(baseline.pairs), baseline.total)


@settings(max_examples=100, deadline=None)
@given(cohorts(most_candidates=8))
def test_cohort_arrays_agree_with_the_one_pair_rules(cohort: Cohort) -> None:
    table = pair_table(
        cohort.candidates,
        cohort.mentors,
        ended_pairs=cohort.ended,
        allow_repeat=cohort.allow_repeat,
    )
    for i, c in enumerate(cohort.candidates):
        for j, m in enumerate(cohort.mentors):
            violation = hard_constraint_violation(
                c, m, ended_pairs=cohort.ended, allow_repeat=cohort.allow_repeat
            )
            assert bool(table.allowed[i, j]) == (violation is None)
            assert int(table.points[i, j]) == score(c, m).total


@pytest.mark.parametrize(("n", "m", "seed"), [(150, 60, 1), (240, 80, 2), (400, 130, 3)])
def test_on_cohorts_wider_than_the_first_choices_the_result_is_still_the_optimum(
    n: int, m: int, seed: int
) -> None:
    """More mentors than each candidate starts with, so pairs join the network by their prices
    over several rounds; the result equals the capacity-slot matching on every pair."""
    cohort = random_cohort(n, m, seed)
    assert m > FIRST_CHOICES
    load, ended = cohort.current_load, cohort.ended_pairs
    flow = propose(cohort.candidates, cohort.mentors, current_load=load, ended_pairs=ended)
    slots = slot_propose(cohort.candidates, cohort.mentors, current_load=load, ended_pairs=ended)
    assert (len(flow.pairs), flow.total) == (len(slots.pairs), slots.total)
    assert violations(cohort, flow) == 0
