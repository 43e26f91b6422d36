"""Gathering a cohort's pairing facts from the database for the pure core (reads only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.models import Membership, Person, Role
from ctom_lti.tools.pairing.models import CandidateProfile, MentorProfile, Pairing, Qualification
from ctom_lti.tools.pairing.people import base_profiles
from ctom_lti.tools.pairing.rules import CandidateFacts, MentorFacts

ACTIVE = "active"
PROPOSED = "proposed"
ENDED = "ended"


@dataclass(frozen=True)
class CohortFacts:
    """Everything the matching needs about one cohort, plus who everyone is."""

    mentors: tuple[MentorFacts, ...]
    candidates: tuple[CandidateFacts, ...]
    people: dict[int, Person]
    #: Active pairings per mentor.
    load: dict[int, int]
    #: Candidates with an active pairing.
    paired: frozenset[int]
    #: (candidate id, mentor id) of ended pairings.
    ended_pairs: frozenset[tuple[int, int]]

    def mentor(self, person_id: int) -> MentorFacts | None:
        return next((m for m in self.mentors if m.person_id == person_id), None)

    def candidate(self, person_id: int) -> CandidateFacts | None:
        return next((c for c in self.candidates if c.person_id == person_id), None)

    @property
    def unpaired(self) -> tuple[CandidateFacts, ...]:
        return tuple(c for c in self.candidates if c.person_id not in self.paired)


def _members(session: Session, cohort_id: int, role: Role) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == role.value)
            .where(Membership.status.in_(("active", "pending")))
            .order_by(Person.id)
            .distinct()
        )
    )


def cohort_facts(session: Session, cohort_id: int) -> CohortFacts:
    """The cohort's mentors and candidates as facts (a fixed number of queries)."""
    mentors = _members(session, cohort_id, Role.MENTOR)
    candidates = _members(session, cohort_id, Role.CANDIDATE)
    ids = [p.id for p in (*mentors, *candidates)]
    base = base_profiles(session, ids)
    mentor_profiles = {
        p.person_id: p
        for p in session.scalars(
            select(MentorProfile).where(MentorProfile.person_id.in_([m.id for m in mentors]))
        )
    }
    met: dict[int, set[str]] = {}
    for q in session.scalars(
        select(Qualification).where(
            Qualification.person_id.in_([m.id for m in mentors]), Qualification.met.is_(True)
        )
    ):
        met.setdefault(q.person_id, set()).add(q.key)
    candidate_profiles = {
        p.person_id: p
        for p in session.scalars(
            select(CandidateProfile).where(
                CandidateProfile.person_id.in_([c.id for c in candidates])
            )
        )
    }
    pairings = session.execute(
        select(Pairing.candidate_person_id, Pairing.mentor_person_id, Pairing.status).where(
            Pairing.cohort_id == cohort_id, Pairing.status.in_((ACTIVE, ENDED))
        )
    ).all()
    load = Counter(m for _, m, status in pairings if status == ACTIVE)
    mentor_facts = []
    for person in mentors:
        b = base.get(person.id)
        mp = mentor_profiles.get(person.id)
        mentor_facts.append(
            MentorFacts(
                person_id=person.id,
                email=person.email or "",
                organisation=b.organisation if b else None,
                region=mp.region if mp else None,
                expertise=b.expertise if b else frozenset(),
                capacity=mp.capacity if mp else 0,
                qualifications=frozenset(met.get(person.id, ())),
                years=b.years if b else None,
            )
        )
    candidate_facts = []
    for person in candidates:
        b = base.get(person.id)
        cp = candidate_profiles.get(person.id)
        candidate_facts.append(
            CandidateFacts(
                person_id=person.id,
                email=person.email or "",
                organisation=b.organisation if b else None,
                region=cp.region if cp else None,
                growth_areas=frozenset(cp.growth_areas) if cp else frozenset(),
                preferred_mentor_ids=frozenset(cp.preferred_mentor_ids) if cp else frozenset(),
                conflict_ids=frozenset(cp.conflict_ids) if cp else frozenset(),
            )
        )
    return CohortFacts(
        mentors=tuple(mentor_facts),
        candidates=tuple(candidate_facts),
        people={p.id: p for p in (*mentors, *candidates)},
        load=dict(load),
        paired=frozenset(c for c, _, status in pairings if status == ACTIVE),
        ended_pairs=frozenset((c, m) for c, m, status in pairings if status == ENDED),
    )
