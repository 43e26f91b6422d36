"""The optimal matching on plain data: placement first, then score, balanced load, capacity,
hard constraints, why a candidate is left out, and determinism."""

from __future__ import annotations

import random
from collections import Counter

from ctom_lti.tools.pairing.matching import Proposal, propose
from ctom_lti.tools.pairing.rules import (
    LOAD_PENALTY_PER_MENTEE,
    PREFERRED_MENTOR_POINTS,
    CandidateFacts,
    MentorFacts,
)
from tests.unit.tools.pairing.factories import ALL_QUALIFICATIONS, candidate, mentor

NO_ENDED: frozenset[tuple[int, int]] = frozenset()


def run(
    candidates: list[CandidateFacts],
    mentors: list[MentorFacts],
    *,
    load: dict[int, int] | None = None,
    ended: frozenset[tuple[int, int]] = NO_ENDED,
    allow_repeat: bool = False,
) -> Proposal:
    return propose(
        candidates,
        mentors,
        current_load=load or {},
        ended_pairs=ended,
        allow_repeat=allow_repeat,
    )


def pairs(p: Proposal) -> dict[int, int]:
    return {x.candidate_id: x.mentor_id for x in p.pairs}


def reasons(p: Proposal) -> dict[int, str]:
    return {u.candidate_id: u.reason for u in p.unmatched}


def test_each_candidate_gets_the_mentor_that_suits_them() -> None:
    cands = [
        candidate(1, growth_areas=frozenset({"finance"})),
        candidate(2, growth_areas=frozenset({"infrastructure"})),
    ]
    ments = [
        mentor(10, expertise=frozenset({"infrastructure"})),
        mentor(11, expertise=frozenset({"finance"})),
    ]
    p = run(cands, ments)
    assert pairs(p) == {1: 11, 2: 10}
    assert p.unmatched == ()
    first = p.pairs[0].score
    assert [part.name for part in first.parts] == ["expertise", "load"]
    assert first.total == sum(part.points for part in first.parts) == 10


def test_placing_everyone_beats_a_higher_score() -> None:
    # Candidate 1 would score far more with mentor 10, but that leaves candidate 2 (whose only
    # allowed mentor is 10) out; the matching places both.
    cands = [
        candidate(1, preferred=frozenset({10}), growth_areas=frozenset({"a", "b"})),
        candidate(2, conflicts=frozenset({11})),
    ]
    ments = [mentor(10, expertise=frozenset({"a", "b"})), mentor(11)]
    p = run(cands, ments)
    assert pairs(p) == {1: 11, 2: 10}
    assert p.total == 0 < PREFERRED_MENTOR_POINTS


def test_load_is_balanced_when_scores_tie() -> None:
    cands = [candidate(i) for i in range(1, 5)]
    ments = [mentor(10, capacity=4), mentor(11, capacity=4)]
    p = run(cands, ments)
    assert Counter(pairs(p).values()) == {10: 2, 11: 2}
    load_parts = sorted(
        part.points for x in p.pairs for part in x.score.parts if part.name == "load"
    )
    assert load_parts == [-LOAD_PENALTY_PER_MENTEE, -LOAD_PENALTY_PER_MENTEE, 0, 0]


def test_current_load_counts_toward_balance_and_capacity() -> None:
    cands = [candidate(1), candidate(2)]
    ments = [mentor(10, capacity=3), mentor(11, capacity=3)]
    p = run(cands, ments, load={10: 2})
    # Mentor 10 already has two mentees: both new candidates go to mentor 11.
    assert pairs(p) == {1: 11, 2: 11}
    p = run([candidate(1), candidate(2)], [mentor(10, capacity=3)], load={10: 2})
    assert len(p.pairs) == 1
    loaded = p.pairs[0].score.parts[-1]
    assert loaded.name == "load" and loaded.points == -2 * LOAD_PENALTY_PER_MENTEE


def test_a_strong_fit_outweighs_the_load_of_a_second_mentee() -> None:
    cands = [
        candidate(1, growth_areas=frozenset({"finance"})),
        candidate(2, growth_areas=frozenset({"finance"})),
    ]
    ments = [mentor(10, capacity=2, expertise=frozenset({"finance"})), mentor(11, capacity=2)]
    assert pairs(run(cands, ments)) == {1: 10, 2: 10}


def test_capacity_is_never_exceeded() -> None:
    cands = [candidate(i) for i in range(1, 8)]
    ments = [mentor(10, capacity=2), mentor(11, capacity=1), mentor(12, capacity=0)]
    p = run(cands, ments, load={11: 1})
    assert Counter(pairs(p).values()) == {10: 2}
    assert len(p.unmatched) == 5


def test_hard_constraints_are_never_broken() -> None:
    cands = [
        candidate(1, organisation="Fresno USD"),
        candidate(2, conflicts=frozenset({11})),
        candidate(3),
    ]
    ments = [
        mentor(10, organisation="fresno  usd", capacity=3),
        mentor(11, capacity=3),
        mentor(12, qualifications=ALL_QUALIFICATIONS - {"hands_on"}, capacity=3),
    ]
    p = run(cands, ments, ended=frozenset({(3, 11)}))
    assert pairs(p) == {1: 11, 2: 10, 3: 10}


def test_repeat_of_an_ended_pairing_only_when_allowed() -> None:
    cands = [candidate(1)]
    ments = [mentor(10)]
    p = run(cands, ments, ended=frozenset({(1, 10)}))
    assert p.pairs == ()
    assert "ended" in reasons(p)[1] and "allow repeats" in reasons(p)[1]
    assert pairs(run(cands, ments, ended=frozenset({(1, 10)}), allow_repeat=True)) == {1: 10}


def test_no_mentors_at_all_is_said() -> None:
    assert "no mentors in this cohort" in reasons(run([candidate(1)], []))[1]


def test_no_eligible_mentor_is_said() -> None:
    ments = [
        mentor(10, qualifications=frozenset({"ten_years"})),
        mentor(11, qualifications=frozenset()),
    ]
    reason = reasons(run([candidate(1)], ments))[1]
    assert reason.startswith("No mentor is eligible yet") and "2 mentors" in reason


def test_every_eligible_mentor_conflicted_is_said() -> None:
    ments = [
        mentor(10, organisation="LACOE"),
        mentor(11, conflict_ids=frozenset({1})),
        mentor(12, qualifications=frozenset()),
    ]
    reason = reasons(run([candidate(1, organisation="lacoe")], ments))[1]
    assert reason.startswith("Every eligible mentor (2) has a conflict of interest")


def test_mixed_exclusions_are_counted() -> None:
    ments = [mentor(10, organisation="LACOE"), mentor(11)]
    reason = reasons(run([candidate(1, organisation="LACOE")], ments, ended=frozenset({(1, 11)})))[
        1
    ]
    assert "1 by a conflict of interest, 1 by an ended pairing" in reason


def test_all_compatible_mentors_full_names_the_count() -> None:
    ments = [mentor(10, capacity=1), mentor(11, capacity=2), mentor(12, organisation="X")]
    p = run([candidate(1, organisation="x")], ments, load={10: 1, 11: 2})
    assert reasons(p)[1].startswith("All 2 mentors this candidate may be paired with are full")
    p = run([candidate(1)], [mentor(10)], load={10: 1})
    assert reasons(p)[1].startswith("The only mentor this candidate may be paired with is full")


def test_places_taken_by_others_is_said_with_counts() -> None:
    cands = [candidate(1), candidate(2), candidate(3)]
    ments = [mentor(10, capacity=2)]
    p = run(cands, ments)
    assert len(p.pairs) == 2
    (left_out,) = p.unmatched
    assert left_out.reason.startswith("The 2 free places of the 1 mentor")
    assert "went to other candidates" in left_out.reason


def test_same_cohort_in_any_order_gives_the_same_proposal() -> None:
    rng = random.Random(3)
    cands = [candidate(i, region=rng.choice(["north", "south"])) for i in range(1, 13)]
    ments = [mentor(100 + j, region=rng.choice(["north", "south"]), capacity=2) for j in range(5)]
    first = run(cands, ments)
    for _ in range(5):
        rng.shuffle(cands)
        rng.shuffle(ments)
        assert run(cands, ments) == first


def test_empty_inputs_give_an_empty_proposal() -> None:
    assert run([], [mentor(10)]) == Proposal((), ())
    assert run([], []).total == 0
