"""The portfolio's pure core: access, the reflection's life, coverage and the grade."""

from __future__ import annotations

import pytest

from ctom_lti.curriculum import load_curriculum
from ctom_lti.models import Role
from ctom_lti.tools.portfolio.rules import (
    DRAFT,
    SHARED,
    SIGNED_OFF,
    ReflectionState,
    access_to,
    all_signed_off,
    coverage,
    decide_artifact_change,
    decide_reopen,
    decide_save,
    decide_sign_off,
    fact_state,
    grade_change,
)

CANDIDATE, MENTOR, OTHER = 1, 2, 3


@pytest.mark.parametrize(
    ("viewer", "roles", "read", "edit", "sign_off"),
    [
        (CANDIDATE, {Role.CANDIDATE}, True, True, False),
        (MENTOR, {Role.MENTOR}, True, False, True),
        (OTHER, {Role.MENTOR}, False, False, False),  # another candidate's mentor
        (OTHER, {Role.CANDIDATE}, False, False, False),  # another candidate
        (OTHER, {Role.INSTRUCTOR}, True, False, True),
        (OTHER, {Role.ADMIN}, True, False, True),
    ],
)
def test_access(viewer: int, roles: set[Role], read: bool, edit: bool, sign_off: bool) -> None:
    granted = access_to(viewer, frozenset(roles), CANDIDATE, frozenset({MENTOR}))
    assert (granted.read, granted.edit, granted.sign_off) == (read, edit, sign_off)


def test_save_share_and_lock() -> None:
    assert decide_save(ReflectionState(), 0, share=False).status == DRAFT
    assert decide_save(ReflectionState(DRAFT, 1), 1, share=True).status == SHARED
    assert decide_save(ReflectionState(SHARED, 2), 2, share=False).status == SHARED
    assert decide_save(ReflectionState(DRAFT, 2), 1, share=False).refused == "stale"
    assert decide_save(ReflectionState(SIGNED_OFF, 3, MENTOR), 3, share=False).refused == "locked"


def test_sign_off_needs_a_shared_current_version() -> None:
    assert decide_sign_off(ReflectionState(SHARED, 2), 2).status == SIGNED_OFF
    assert decide_sign_off(ReflectionState(DRAFT, 2), 2).refused == "not_shared"
    assert decide_sign_off(ReflectionState(SHARED, 3), 2).refused == "stale"


def test_only_the_signer_reopens_and_says_why() -> None:
    signed = ReflectionState(SIGNED_OFF, 3, MENTOR)
    assert decide_reopen(signed, 3, MENTOR, "Cite the budget").status == SHARED
    assert decide_reopen(signed, 3, OTHER, "x").refused == "not_signer"
    assert decide_reopen(signed, 3, MENTOR, "  ").refused == "no_reason"
    assert decide_reopen(ReflectionState(SHARED, 3), 3, MENTOR, "x").refused == "not_signed_off"


def test_coverage_lists_all_sixteen_by_strand() -> None:
    curriculum = load_curriculum()
    cover = coverage(
        curriculum,
        {"infrastructure": SIGNED_OFF, "fiscal-management": DRAFT},
        {"infrastructure": 2},
        changed={"fiscal-management"},
    )
    assert [s.name for s in cover.strands] == ["Technology", "Education", "Leadership"]
    assert len(cover.cells) == 16
    cell = {c.principle_key: c for c in cover.cells}
    assert (cell["infrastructure"].status_label, cell["infrastructure"].evidence) == (
        "Signed off",
        2,
    )
    assert cell["fiscal-management"].changed and not cell["infrastructure"].changed
    assert cover.count("missing") == 14 and not cover.complete


def test_grade_follows_completeness() -> None:
    keys = [p.key for p in load_curriculum().principles]
    assert all_signed_off(keys, dict.fromkeys(keys, SIGNED_OFF))
    assert not all_signed_off(keys, dict.fromkeys(keys[1:], SIGNED_OFF))
    assert grade_change(False, True) is True
    assert grade_change(True, False) is False
    assert grade_change(True, True) is None


def test_completion_fact_states() -> None:
    assert [fact_state(s) for s in (SIGNED_OFF, SHARED, DRAFT, "missing")] == [
        "done",
        "in_progress",
        "in_progress",
        "missing",
    ]


def test_an_artifact_change_is_checked_by_version_and_signed_off_citations() -> None:
    assert decide_artifact_change(2, 2, delete=False) is None
    assert decide_artifact_change(3, 2, delete=False) == "stale"
    assert decide_artifact_change(2, 2, ["infrastructure"], delete=False) is None
    assert decide_artifact_change(2, 2, ["infrastructure"], delete=True) == "cited_signed_off"
    assert decide_artifact_change(3, 2, ["infrastructure"], delete=True) == "stale"
    assert decide_artifact_change(2, 2, [], delete=True) is None
