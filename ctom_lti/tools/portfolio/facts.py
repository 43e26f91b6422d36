"""What the portfolio tells other parts of the tool: its home cards and its evidence for the
programme-completion check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.card_facts import viewer_cohort_id, viewer_person_id
from ctom_lti.cohorts.mentorship import mentors_candidate
from ctom_lti.curriculum import load_curriculum
from ctom_lti.features import Card, CompletionFact, Viewer
from ctom_lti.models import Role
from ctom_lti.tools.portfolio.models import Reflection
from ctom_lti.tools.portfolio.people import candidates
from ctom_lti.tools.portfolio.rules import SHARED, SIGNED_OFF, STATUS_LABELS, fact_state

_IN_COHORT = Reflection.cohort_id == viewer_cohort_id()

CARD_FACTS: dict[str, Any] = {
    "signed_off": select(func.count())
    .where(
        _IN_COHORT,
        Reflection.candidate_person_id == viewer_person_id(),
        Reflection.status == SIGNED_OFF,
    )
    .scalar_subquery(),
    "shared_in_cohort": select(func.count())
    .where(_IN_COHORT, Reflection.status == SHARED)
    .scalar_subquery(),
    "shared_by_mentees": select(func.count())
    .where(
        _IN_COHORT,
        Reflection.status == SHARED,
        mentors_candidate(viewer_cohort_id(), viewer_person_id(), Reflection.candidate_person_id),
    )
    .scalar_subquery(),
}


def card_rule(viewer: Viewer, facts: Mapping[str, Any]) -> Sequence[Card]:
    """A candidate's progress; reviewers' reflections waiting for them."""
    total = len(load_curriculum().principles)
    if viewer.roles & {Role.INSTRUCTOR, Role.ADMIN}:
        waiting = int(facts["shared_in_cohort"] or 0)
        return (
            Card(
                "Portfolios",
                f"{waiting} reflections shared for review in the cohort.",
                "portfolio.index",
                due=waiting > 0,
            ),
        )
    if Role.MENTOR in viewer.roles:
        waiting = int(facts["shared_by_mentees"] or 0)
        return (
            Card(
                "Your mentees' portfolios",
                f"{waiting} reflections shared for your review.",
                "portfolio.index",
                due=waiting > 0,
            ),
        )
    if Role.CANDIDATE in viewer.roles:
        done = int(facts["signed_off"] or 0)
        return (
            Card(
                "Your portfolio",
                f"{done} of {total} principles signed off. Add evidence and reflect on each.",
                "portfolio.index",
            ),
        )
    return ()


def completion_facts(
    session: Session, cohort_id: int, today: date
) -> Mapping[int, tuple[CompletionFact, ...]]:
    """Per candidate, one fact per principle: ``reflection:<key>``, done when signed off."""
    principles = load_curriculum().principles
    rows = session.execute(
        select(Reflection.candidate_person_id, Reflection.principle_key, Reflection.status).where(
            Reflection.cohort_id == cohort_id
        )
    )
    statuses: dict[int, dict[str, str]] = {}
    for person, key, status in rows:
        statuses.setdefault(person, {})[key] = status
    facts: dict[int, tuple[CompletionFact, ...]] = {}
    for candidate in candidates(session, cohort_id):
        mine = statuses.get(candidate.id, {})
        facts[candidate.id] = tuple(
            CompletionFact(
                f"reflection:{p.key}",
                fact_state(mine.get(p.key, "missing")),
                None,
                f"{p.name} reflection: {STATUS_LABELS[mine.get(p.key, 'missing')].lower()}",
            )
            for p in principles
        )
    return facts
