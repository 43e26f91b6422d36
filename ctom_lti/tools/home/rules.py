"""Pure decisions of the home page: which cards a person sees, and which are due.

Features bring their own cards (see ``ctom_lti.features.Card``). The programme's pages that no
feature serves yet are listed here as coming, so people can see what the tool will do; a card
disappears from this list by itself once a feature serves its page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ctom_lti.features import Card
from ctom_lti.links import PAIRING, REFLECTION, REPORTS
from ctom_lti.models import Role

_STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})


@dataclass(frozen=True)
class ComingCard:
    """A card for a page that a later feature will serve."""

    page: str
    roles: frozenset[Role]
    card: Card


COMING: tuple[ComingCard, ...] = (
    ComingCard(
        REFLECTION,
        frozenset({Role.CANDIDATE}),
        Card(
            "Portfolio reflections",
            "Write a reflection for each of the 16 principles and attach your artifacts.",
        ),
    ),
    ComingCard(
        "completion",
        frozenset({Role.CANDIDATE}),
        Card(
            "Completion checklist",
            "See which assignments, sessions and reflections the programme still needs.",
        ),
    ),
    ComingCard(
        REPORTS,
        frozenset({Role.MENTOR}),
        Card(
            "Monthly progress reports", "Write one progress report per mentee each programme month."
        ),
    ),
    ComingCard(
        "dashboard",
        _STAFF,
        Card("Cohort dashboard", "Follow reports, reflections and completion across the cohort."),
    ),
    ComingCard(
        REPORTS,
        _STAFF,
        Card("Review mentor reports", "Read and acknowledge mentors' monthly reports."),
    ),
    ComingCard(
        PAIRING,
        frozenset({Role.ADMIN}),
        Card("Mentor pairing", "Pair each candidate with a mentor who fits their needs."),
    ),
)


def home_cards(
    roles: frozenset[Role], feature_cards: Iterable[Card], served_pages: Collection[str]
) -> tuple[Card, ...]:
    """The features' cards, then the coming pages ``roles`` will use; due cards first."""
    coming = [c.card for c in COMING if c.roles & roles and c.page not in served_pages]
    return tuple(sorted([*feature_cards, *coming], key=lambda card: not card.due))
