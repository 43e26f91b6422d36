"""Pairing on the home page: a candidate's mentor, a mentor's mentees, and the board for staff.

The facts are scalar subqueries about the viewer, read by the home page with every other
feature's in one statement; the rule decides from their values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from ctom_lti.card_facts import joined_text, viewer_cohort_id, viewer_person_id
from ctom_lti.features import Card, Viewer
from ctom_lti.models import Person, Role
from ctom_lti.tools.pairing.facts import ACTIVE, PROPOSED
from ctom_lti.tools.pairing.models import Pairing

STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})
INDEX_ENDPOINT = "pairing.index"


def _named(person_id_column: Any) -> Any:
    return (
        select(func.coalesce(Person.name, Person.email))
        .where(Person.id == person_id_column)
        .scalar_subquery()
    )


_IN_COHORT = Pairing.cohort_id == viewer_cohort_id()

#: What the home page reads for pairing's cards (with every other feature's, in one statement).
CARD_FACTS: dict[str, Any] = {
    "pairing_active": select(func.count())
    .where(_IN_COHORT, Pairing.status == ACTIVE)
    .scalar_subquery(),
    "pairing_proposed": select(func.count())
    .where(_IN_COHORT, Pairing.status == PROPOSED)
    .scalar_subquery(),
    "pairing_mentees": select(joined_text(_named(Pairing.candidate_person_id)))
    .where(_IN_COHORT, Pairing.status == ACTIVE, Pairing.mentor_person_id == viewer_person_id())
    .scalar_subquery(),
    "pairing_mentor": select(
        joined_text(
            func.coalesce(Person.name, Person.email) + func.coalesce(" (" + Person.email + ")", "")
        )
    )
    .join(Pairing, Pairing.mentor_person_id == Person.id)
    .where(_IN_COHORT, Pairing.status == ACTIVE, Pairing.candidate_person_id == viewer_person_id())
    .scalar_subquery(),
}


PROFILE_ENDPOINT = "pairing.own_profile"


def card_rule(viewer: Viewer, facts: Mapping[str, Any]) -> Sequence[Card]:
    """Pairing on the home page: a candidate's mentor, a mentor's mentees, staff's board."""
    if viewer.roles & STAFF:
        waiting = int(facts["pairing_proposed"] or 0)
        return (
            Card(
                "Mentor pairing",
                f"{int(facts['pairing_active'] or 0)} active pairings"
                + (f", {waiting} proposals waiting for a decision." if waiting else "."),
                INDEX_ENDPOINT,
                due=bool(waiting),
            ),
        )
    cards: list[Card] = []
    if Role.MENTOR in viewer.roles:
        mentees = facts["pairing_mentees"]
        cards.append(
            Card(
                "Your mentees",
                mentees or "You have no mentees yet; the programme pairs you.",
                INDEX_ENDPOINT,
            )
        )
    if viewer.roles & {Role.MENTOR, Role.CANDIDATE}:
        cards.append(
            Card(
                "Your pairing profile",
                "What the programme matches on: region, experience, and more.",
                PROFILE_ENDPOINT,
            )
        )
    if Role.CANDIDATE in viewer.roles:
        mentor = facts["pairing_mentor"]
        cards.append(
            Card(
                f"Your mentor: {mentor}" if mentor else "Your mentor",
                "Their contact and profile." if mentor else "The programme has not paired you yet.",
                INDEX_ENDPOINT,
            )
        )
    return tuple(cards)
