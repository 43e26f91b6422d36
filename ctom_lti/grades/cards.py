"""The outbox on staff's home page: a card when grades wait for a person, else a quiet link."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from ctom_lti.card_facts import viewer_cohort_id
from ctom_lti.features import Card, Viewer
from ctom_lti.grades.models import GradePost
from ctom_lti.grades.rules import PostState
from ctom_lti.models import Role

STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})

CARD_FACTS: dict[str, Any] = {
    "failed": select(func.count())
    .where(GradePost.cohort_id == viewer_cohort_id(), GradePost.state == PostState.FAILED.value)
    .scalar_subquery(),
}


def card_rule(viewer: Viewer, facts: Mapping[str, Any]) -> Sequence[Card]:
    """Staff see how many grades Canvas has not accepted (due when any), with the page's link."""
    if not viewer.roles & STAFF:
        return ()
    failed = int(facts["failed"] or 0)
    if failed:
        noun = "grade" if failed == 1 else "grades"
        return (
            Card(
                "Grades Canvas has not accepted",
                f"{failed} {noun} {'needs' if failed == 1 else 'need'} you: see why and retry.",
                "grades.index",
                due=True,
            ),
        )
    return (
        Card(
            "Grades on their way to Canvas",
            "What the tool posts to its own gradebook columns, and anything Canvas refused.",
            "grades.index",
        ),
    )
