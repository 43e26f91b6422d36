"""Completion's home cards: a candidate's checklist; for staff, the last frozen snapshot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, select

from ctom_lti.card_facts import viewer_cohort_id
from ctom_lti.features import Card, Viewer
from ctom_lti.models import Role
from ctom_lti.tools.completion.models import CompletionSnapshot

INDEX = "completion.index"
STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})


def _latest(column: Any) -> ColumnElement[Any]:
    return (
        select(column)
        .where(CompletionSnapshot.cohort_id == viewer_cohort_id())
        .order_by(CompletionSnapshot.created_at.desc(), CompletionSnapshot.id.desc())
        .limit(1)
        .scalar_subquery()
    )


CARD_FACTS: Mapping[str, ColumnElement[Any]] = {
    "snapshot_as_of": _latest(CompletionSnapshot.as_of),
    "snapshot_completed": _latest(CompletionSnapshot.completed),
    "snapshot_candidates": _latest(CompletionSnapshot.candidates),
}


def card_rule(viewer: Viewer, facts: Mapping[str, Any]) -> Sequence[Card]:
    """The completion cards for ``viewer`` (pure)."""
    cards: list[Card] = []
    if viewer.roles & STAFF:
        as_of = facts.get("snapshot_as_of")
        text = (
            f"Last snapshot as of {as_of}: {facts.get('snapshot_completed') or 0} of "
            f"{facts.get('snapshot_candidates') or 0} candidates complete."
            if as_of
            else "Each candidate's result, rule by rule, with reasons; no snapshot frozen yet."
        )
        cards.append(Card("Programme completion", text, INDEX))
    if Role.CANDIDATE in viewer.roles:
        cards.append(
            Card(
                "Your completion checklist",
                "Which programme duties are met, which are not yet due, and what to do next.",
                INDEX,
            )
        )
    return cards
