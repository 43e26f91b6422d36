"""People imported before they first launched become their launched selves.

An import adds people the roster does not know yet as pending (``Person.sub`` ``pending:EMAIL``).
When that person later launches, or a roster refresh brings them, the tool knows them under their
real LTI ``sub`` too. :func:`adopt_launched` moves what pairing holds for the pending person
(profiles, qualifications, pairings, conflicts and preferences naming them) to the launched one,
and marks the pending membership as merged, so nobody is matched twice. Never commits.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from ctom_lti.models import Membership, Person
from ctom_lti.tools.pairing.models import (
    CandidateProfile,
    MentorProfile,
    Pairing,
    PairingEvent,
    Qualification,
)
from ctom_lti.tools.pairing.people import PENDING, PENDING_SUB, programme_profile

MERGED = "merged"


def _twins(session: Session, cohort_id: int) -> dict[int, int]:
    """Pending person id → launched person id (same registration, same email)."""
    pending = aliased(Person)
    launched = aliased(Person)
    rows = session.execute(
        select(pending.id, func.min(launched.id))
        .join(Membership, Membership.person_id == pending.id)
        .join(
            launched,
            (launched.platform_id == pending.platform_id)
            & (func.lower(launched.email) == func.lower(pending.email))
            & ~launched.sub.startswith(PENDING_SUB),
        )
        .where(
            Membership.cohort_id == cohort_id,
            Membership.status == PENDING,
            pending.sub.startswith(PENDING_SUB),
        )
        .group_by(pending.id)
    ).all()
    return {row[0]: row[1] for row in rows}


def _move_unique(session: Session, model: type, old: int, new: int) -> None:
    """Give ``old``'s one-per-person row to ``new`` unless ``new`` already has one."""
    has = session.scalar(select(model.person_id).where(model.person_id == new))  # type: ignore[attr-defined]
    if has is None:
        session.execute(update(model).where(model.person_id == old).values(person_id=new))  # type: ignore[attr-defined]


def adopt_launched(session: Session, cohort_id: int) -> int:
    """Merge the cohort's pending people into their launched twins; how many were merged."""
    twins = _twins(session, cohort_id)
    for old, new in twins.items():
        _move_unique(session, MentorProfile, old, new)
        _move_unique(session, CandidateProfile, old, new)
        have = set(session.scalars(select(Qualification.key).where(Qualification.person_id == new)))
        session.execute(
            update(Qualification)
            .where(Qualification.person_id == old, Qualification.key.not_in(have))
            .values(person_id=new)
        )
        if (
            session.scalar(
                select(programme_profile.c.id).where(programme_profile.c.person_id == new)
            )
            is None
        ):
            session.execute(
                update(programme_profile)
                .where(programme_profile.c.person_id == old)
                .values(person_id=new)
            )
        for column in (Pairing.mentor_person_id, Pairing.candidate_person_id):
            session.execute(
                update(Pairing)
                .where(column == old)
                .values({column.key: new})
                .execution_options(synchronize_session=False)
            )
        session.execute(
            update(PairingEvent)
            .where(PairingEvent.actor_person_id == old)
            .values(actor_person_id=new)
        )
        session.execute(
            update(Membership)
            .where(
                Membership.person_id == old,
                Membership.cohort_id == cohort_id,
                Membership.status == PENDING,
            )
            .values(status=MERGED)
        )
    if twins:
        for profile in session.scalars(select(CandidateProfile)):
            conflicts = [twins.get(i, i) for i in profile.conflict_ids]
            preferred = [twins.get(i, i) for i in profile.preferred_mentor_ids]
            if conflicts != profile.conflict_ids or preferred != profile.preferred_mentor_ids:
                profile.conflict_ids, profile.preferred_mentor_ids = conflicts, preferred
        session.flush()
    return len(twins)
