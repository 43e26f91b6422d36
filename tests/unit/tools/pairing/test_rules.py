"""Mentor eligibility, the hard constraints on a pair, and the score's parts (pure rules)."""

from __future__ import annotations

import pytest

from ctom_lti.tools.pairing.rules import (
    EXPERTISE_POINTS_PER_AREA,
    LOAD_PENALTY_PER_MENTEE,
    PREFERRED_MENTOR_POINTS,
    QUALIFICATION_LABELS,
    QUALIFICATIONS,
    REQUIRED_QUALIFICATIONS,
    SAME_REGION_POINTS,
    eligibility,
    hard_constraint_violation,
    load_part,
    pair_score,
    score,
)
from tests.unit.tools.pairing.factories import ALL_QUALIFICATIONS, candidate, mentor

NO_ENDED: frozenset[tuple[int, int]] = frozenset()


def test_qualifications_are_the_seeds_checklist_in_order_with_labels() -> None:
    assert QUALIFICATIONS == (
        "ten_years",
        "current_leader",
        "hands_on",
        "credential",
        "time",
        "work_study",
    )
    assert set(QUALIFICATION_LABELS) == set(QUALIFICATIONS)
    assert "ten_years" not in REQUIRED_QUALIFICATIONS
    assert len(REQUIRED_QUALIFICATIONS) == 5


def test_mentor_with_every_qualification_is_eligible_without_reasons() -> None:
    verdict = eligibility(mentor(1))
    assert verdict.eligible
    assert verdict.reasons == ()


@pytest.mark.parametrize("missing", REQUIRED_QUALIFICATIONS)
def test_each_required_qualification_missing_makes_a_mentor_not_yet_eligible(
    missing: str,
) -> None:
    verdict = eligibility(mentor(1, qualifications=ALL_QUALIFICATIONS - {missing}))
    assert not verdict.eligible
    assert verdict.missing == (f"Not yet shown: {QUALIFICATION_LABELS[missing]}",)
    assert verdict.reasons[0] == verdict.missing[0]


def test_every_missing_qualification_is_listed_in_checklist_order() -> None:
    verdict = eligibility(mentor(1, qualifications=frozenset({"ten_years", "hands_on"})))
    shown = [r.removeprefix("Not yet shown: ") for r in verdict.missing]
    assert shown == [
        QUALIFICATION_LABELS[k] for k in ("current_leader", "credential", "time", "work_study")
    ]


def test_fewer_than_ten_years_is_only_a_note() -> None:
    verdict = eligibility(mentor(1, qualifications=ALL_QUALIFICATIONS - {"ten_years"}, years=6))
    assert verdict.eligible
    assert verdict.missing == ()
    assert verdict.notes == (
        "Fewer than 10 years leading K-12 technology (6) (preferred, not required)",
    )


def test_ten_years_given_as_years_counts_even_unticked() -> None:
    verdict = eligibility(mentor(1, qualifications=ALL_QUALIFICATIONS - {"ten_years"}, years=10))
    assert verdict.reasons == ()


def test_zero_capacity_is_noted() -> None:
    verdict = eligibility(mentor(1, capacity=0))
    assert verdict.eligible
    assert any("Capacity is 0" in n for n in verdict.notes)


def test_allowed_pair_has_no_violation() -> None:
    c, m = candidate(1, organisation="Fresno USD"), mentor(2, organisation="LACOE")
    assert hard_constraint_violation(c, m, ended_pairs=NO_ENDED) is None


def test_ineligible_mentor_is_refused() -> None:
    m = mentor(2, qualifications=ALL_QUALIFICATIONS - {"time"})
    reason = hard_constraint_violation(candidate(1), m, ended_pairs=NO_ENDED)
    assert reason == (
        "the mentor is not yet eligible (not yet shown: time to consult and review the "
        "candidate's work)"
    )


def test_conflict_named_by_the_candidate_is_refused() -> None:
    reason = hard_constraint_violation(
        candidate(1, conflicts=frozenset({2})), mentor(2), ended_pairs=NO_ENDED
    )
    assert reason is not None and "candidate named this mentor" in reason


def test_conflict_named_by_the_mentor_is_refused() -> None:
    reason = hard_constraint_violation(
        candidate(1), mentor(2, conflict_ids=frozenset({1})), ended_pairs=NO_ENDED
    )
    assert reason is not None and "mentor named this candidate" in reason


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [("Fresno USD", "Fresno USD"), ("fresno usd", " Fresno   USD "), ("LACOE", "lacoe")],
)
def test_same_organisation_is_a_conflict_whatever_the_case_and_spacing(
    theirs: str, ours: str
) -> None:
    reason = hard_constraint_violation(
        candidate(1, organisation=theirs), mentor(2, organisation=ours), ended_pairs=NO_ENDED
    )
    assert reason is not None and "conflict of interest: both work at" in reason


@pytest.mark.parametrize(("theirs", "ours"), [(None, None), ("", ""), ("  ", None)])
def test_unknown_organisations_are_not_a_conflict(theirs: str | None, ours: str | None) -> None:
    c, m = candidate(1, organisation=theirs), mentor(2, organisation=ours)
    assert hard_constraint_violation(c, m, ended_pairs=NO_ENDED) is None


def test_nobody_mentors_themselves() -> None:
    reason = hard_constraint_violation(candidate(7), mentor(7), ended_pairs=NO_ENDED)
    assert reason is not None and "themselves" in reason


def test_repeat_of_an_ended_pairing_is_refused_unless_allowed() -> None:
    ended = frozenset({(1, 2)})
    reason = hard_constraint_violation(candidate(1), mentor(2), ended_pairs=ended)
    assert reason is not None and "ended pairing" in reason
    assert (
        hard_constraint_violation(candidate(1), mentor(2), ended_pairs=ended, allow_repeat=True)
        is None
    )
    # The pair's direction matters: (candidate, mentor).
    assert hard_constraint_violation(candidate(2), mentor(1), ended_pairs=ended) is None


def test_allowing_repeats_never_lifts_a_conflict() -> None:
    reason = hard_constraint_violation(
        candidate(1, conflicts=frozenset({2})),
        mentor(2),
        ended_pairs=frozenset({(1, 2)}),
        allow_repeat=True,
    )
    assert reason is not None and "conflict" in reason


def test_score_counts_expertise_covering_growth_areas() -> None:
    c = candidate(1, growth_areas=frozenset({"finance", "infrastructure", "hr"}))
    m = mentor(2, expertise=frozenset({"finance", "hr", "policy"}))
    breakdown = score(c, m)
    assert [(p.name, p.points) for p in breakdown.parts] == [
        ("expertise", 2 * EXPERTISE_POINTS_PER_AREA)
    ]
    assert breakdown.parts[0].reason == "covers 2 of 3 growth areas: finance, hr"
    assert breakdown.total == 2 * EXPERTISE_POINTS_PER_AREA


def test_score_adds_same_region_and_preference() -> None:
    c = candidate(1, region="south", preferred=frozenset({2}))
    breakdown = score(c, mentor(2, region="south"))
    assert {p.name: p.points for p in breakdown.parts} == {
        "region": SAME_REGION_POINTS,
        "preference": PREFERRED_MENTOR_POINTS,
    }
    assert "Southern California" in breakdown.parts[0].reason
    assert breakdown.total == SAME_REGION_POINTS + PREFERRED_MENTOR_POINTS


def test_other_region_or_unknown_region_earns_nothing() -> None:
    assert score(candidate(1, region="south"), mentor(2, region="north")).total == 0
    assert score(candidate(1), mentor(2)).total == 0


def test_load_part_is_free_for_a_first_mentee_and_costs_more_per_extra_one() -> None:
    assert load_part(0).points == 0
    assert load_part(1).points == -LOAD_PENALTY_PER_MENTEE
    assert load_part(2).points == -2 * LOAD_PENALTY_PER_MENTEE
    assert load_part(2).reason == "the mentor's 3rd mentee (balances load)"
    assert load_part(10).reason.startswith("the mentor's 11th")


def test_a_pair_score_adds_the_load_of_the_mentors_next_mentee() -> None:
    c = candidate(1, region="north")
    m = mentor(2, region="north")
    breakdown = pair_score(c, m, existing_mentees=3)
    assert [p.name for p in breakdown.parts] == ["region", "load"]
    assert breakdown.total == SAME_REGION_POINTS - 3 * LOAD_PENALTY_PER_MENTEE
