"""What the home page offers each role (pure): the features' cards and the pages still coming."""

from __future__ import annotations

from ctom_lti.features import Card
from ctom_lti.models import Role
from ctom_lti.tools.home.rules import home_cards
from ctom_lti.tools.profile.rules import profile_cards

#: The pages the application's features serve today.
SERVED = frozenset({"home", "profile"})


def home_actions(roles: frozenset[Role], has_profile: bool) -> tuple[Card, ...]:
    return home_cards(roles, profile_cards(roles, has_profile), SERVED)


def titles(roles: set[Role], has_profile: bool = False) -> list[str]:
    return [a.title for a in home_actions(frozenset(roles), has_profile)]


def test_candidate_without_profile_has_it_due_first() -> None:
    actions = home_actions(frozenset({Role.CANDIDATE}), False)
    assert actions[0].title == "Complete your programme profile"
    assert actions[0].due and actions[0].endpoint == "profile.edit"
    assert "Portfolio reflections" in [a.title for a in actions]


def test_nothing_due_once_profile_exists() -> None:
    actions = home_actions(frozenset({Role.MENTOR}), True)
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


def test_a_coming_card_gives_way_once_a_feature_serves_its_page() -> None:
    admin = frozenset({Role.ADMIN})
    assert "Mentor pairing" in [c.title for c in home_cards(admin, (), SERVED)]
    served = [c.title for c in home_cards(admin, (), SERVED | {"pairing"})]
    assert "Mentor pairing" not in served
    assert "Cohort dashboard" in served
