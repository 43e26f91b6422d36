"""Plain mentor and candidate facts for the pairing's unit tests."""

from __future__ import annotations

from ctom_lti.tools.pairing.rules import QUALIFICATIONS, CandidateFacts, MentorFacts

ALL_QUALIFICATIONS = frozenset(QUALIFICATIONS)


def mentor(
    person_id: int,
    *,
    organisation: str | None = None,
    region: str | None = None,
    expertise: frozenset[str] = frozenset(),
    capacity: int = 1,
    qualifications: frozenset[str] = ALL_QUALIFICATIONS,
    years: int | None = 12,
    conflict_ids: frozenset[int] = frozenset(),
) -> MentorFacts:
    return MentorFacts(
        person_id=person_id,
        email=f"mentor{person_id}@example.edu",
        organisation=organisation,
        region=region,
        expertise=expertise,
        capacity=capacity,
        qualifications=qualifications,
        years=years,
        conflict_ids=conflict_ids,
    )


def candidate(
    person_id: int,
    *,
    organisation: str | None = None,
    region: str | None = None,
    growth_areas: frozenset[str] = frozenset(),
    preferred: frozenset[int] = frozenset(),
    conflicts: frozenset[int] = frozenset(),
) -> CandidateFacts:
    return CandidateFacts(
        person_id=person_id,
        email=f"candidate{person_id}@example.edu",
        organisation=organisation,
        region=region,
        growth_areas=growth_areas,
        preferred_mentor_ids=preferred,
        conflict_ids=conflicts,
    )
