"""The outbox's home card: staff only, due when grades wait for a person."""

from __future__ import annotations

from dataclasses import dataclass

from ctom_lti.grades.cards import card_rule
from ctom_lti.models import Role


@dataclass(frozen=True)
class Viewer:
    person_id: int
    cohort_id: int
    roles: frozenset[Role]


def test_staff_are_told_how_many_grades_need_them() -> None:
    [card] = card_rule(Viewer(1, 1, frozenset({Role.INSTRUCTOR})), {"failed": 3})
    assert card.due and card.endpoint == "grades.index"
    assert card.description == "3 grades need you: see why and retry."
    [one] = card_rule(Viewer(1, 1, frozenset({Role.ADMIN})), {"failed": 1})
    assert one.description == "1 grade needs you: see why and retry."


def test_nothing_failed_is_a_quiet_link() -> None:
    [card] = card_rule(Viewer(1, 1, frozenset({Role.ADMIN})), {"failed": 0})
    assert not card.due and card.title == "Grades on their way to Canvas"


def test_mentors_and_candidates_see_no_grades_card() -> None:
    for role in (Role.MENTOR, Role.CANDIDATE):
        assert card_rule(Viewer(1, 1, frozenset({role})), {"failed": 2}) == ()
