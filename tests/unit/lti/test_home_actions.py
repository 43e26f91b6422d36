"""What the home page offers each role (pure)."""

from __future__ import annotations

from ctom_lti.models import Role
from ctom_lti.tools.home.actions import HomeFacts, home_actions


def titles(roles: set[Role], has_profile: bool = False) -> list[str]:
    return [a.title for a in home_actions(HomeFacts(frozenset(roles), has_profile))]


def test_candidate_without_profile_has_it_due_first() -> None:
    actions = home_actions(HomeFacts(frozenset({Role.CANDIDATE}), False))
    assert actions[0].title == "Complete your programme profile"
    assert actions[0].due and actions[0].endpoint == "profile.edit"
    assert "Portfolio reflections" in [a.title for a in actions]


def test_nothing_due_once_profile_exists() -> None:
    actions = home_actions(HomeFacts(frozenset({Role.MENTOR}), True))
    assert not any(a.due for a in actions)
    assert "Monthly progress reports" in [a.title for a in actions]
    assert "Your profile" in [a.title for a in actions]


def test_staff_see_cohort_tools_and_no_candidate_work() -> None:
    instructor = titles({Role.INSTRUCTOR})
    assert "Cohort dashboard" in instructor
    assert "Portfolio reflections" not in instructor
    assert "Mentor pairing" not in instructor
    assert "Mentor pairing" in titles({Role.ADMIN})


def test_no_role_no_actions() -> None:
    assert titles(set()) == []
