"""A mentor's reports card on the home page: how many to write and when the next or oldest
was due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ctom_lti.models import Role
from ctom_lti.tools.reports.cards import card_rule

TODAY = date(2026, 12, 2)


@dataclass(frozen=True)
class Viewer:
    person_id: int
    cohort_id: int
    roles: frozenset[Role]


MENTOR = Viewer(1, 1, frozenset({Role.MENTOR}))


def _facts(owed: int, next_due: date | None, returned: int = 0) -> dict[str, object]:
    return {"owed": owed, "next_due": next_due, "returned": returned}


def test_late_reports_are_named_by_the_oldest_due_date() -> None:
    [card] = card_rule(MENTOR, _facts(7, date(2026, 10, 5), returned=2), TODAY)
    assert card.description == (
        "7 reports to write; the oldest was due 5 October and is overdue. 2 returned for revision."
    )
    assert card.due


def test_reports_not_yet_late_name_the_next_due_date() -> None:
    [card] = card_rule(MENTOR, _facts(1, date(2026, 12, 5)), TODAY)
    assert card.description == "1 report to write; the next is due 5 December."
    assert card.due  # due within a week
    [later] = card_rule(MENTOR, _facts(2, date(2027, 1, 5)), TODAY)
    assert not later.due


def test_nothing_owed_is_said_plainly() -> None:
    [card] = card_rule(MENTOR, _facts(0, None), TODAY)
    assert card.description == "You have no report to write right now."
