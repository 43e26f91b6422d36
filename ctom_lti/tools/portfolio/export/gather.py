"""Gather a candidate's portfolio rows into the export document, in one short read.

The document holds everything the exporters show, so they run afterwards without a database
session (in a background thread, or after the command's transaction ended); files stay in the
storage and are opened only when an exporter copies or shows them.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cohorts.mentorship import active_mentors_of
from ctom_lti.curriculum import load_curriculum
from ctom_lti.errors import NotFound
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.portfolio.export.document import (
    ArtifactEntry,
    ArtifactKind,
    PortfolioDocument,
    ReflectionFacts,
    ReflectionStatus,
    build_document,
)
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from ctom_lti.tools.portfolio.storage import Storage

_KINDS = {"file": ArtifactKind.FILE, "link": ArtifactKind.LINK}
_STATUSES = {s.value: s for s in ReflectionStatus}


def document_for(
    session: Session,
    storage: Storage,
    cohort_id: int,
    candidate_person_id: int,
    *,
    now: datetime,
) -> PortfolioDocument:
    """The export document of the candidate's portfolio in the cohort.

    :raises NotFound: no such cohort or person.
    """
    cohort = session.get(Cohort, cohort_id)
    candidate = session.get(Person, candidate_person_id)
    if cohort is None or candidate is None:
        raise NotFound("There is no such portfolio.")
    curriculum = load_curriculum()
    reflections = session.scalars(
        select(Reflection).where(
            Reflection.cohort_id == cohort_id,
            Reflection.candidate_person_id == candidate_person_id,
        )
    ).all()
    artifacts = session.scalars(
        select(Artifact)
        .where(Artifact.cohort_id == cohort_id, Artifact.candidate_person_id == candidate_person_id)
        .order_by(Artifact.created_at, Artifact.id)
    ).all()
    mentor_ids = sorted(active_mentors_of(session, cohort_id, candidate_person_id))
    signer_ids = {r.signed_off_by_person_id for r in reflections if r.signed_off_by_person_id}
    wanted = set(mentor_ids) | signer_ids
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
        if wanted
        else {}
    )
    sessions = {s.number: s.title for s in curriculum.sessions}
    return build_document(
        curriculum,
        candidate_name=_name(candidate),
        candidate_email=candidate.email or "",
        cohort_name=cohort.title or cohort.label or cohort.sis_course_id or f"Cohort {cohort.id}",
        programme_start=cohort.term_start,
        programme_end=cohort.term_end,
        mentor_name=", ".join(_name(people[i]) for i in mentor_ids if i in people) or None,
        generated_at=now,
        reflections=[
            ReflectionFacts(
                principle_key=r.principle_key,
                status=_STATUSES.get(r.status, ReflectionStatus.DRAFT),
                markdown=r.body or "",
                signed_off_by=(
                    _name(people[r.signed_off_by_person_id])
                    if r.status == ReflectionStatus.SIGNED_OFF
                    and r.signed_off_by_person_id in people
                    else None
                ),
                signed_off_at=r.signed_off_at if r.status == ReflectionStatus.SIGNED_OFF else None,
                updated_at=r.updated_at,
            )
            for r in reflections
        ],
        artifacts=[
            ArtifactEntry(
                key=str(a.id),
                title=a.title,
                kind=_KINDS.get(a.kind, ArtifactKind.SUBMISSION),
                principle_keys=tuple(a.principle_keys or ()),
                media_type=a.media_type,
                file_name=a.original_name,
                size=a.file_size,
                open_file=functools.partial(storage.open, a.file_hash) if a.file_hash else None,
                url=a.url,
                session_title=sessions.get(a.session_number) if a.session_number else None,
                added_at=a.created_at,
            )
            for a in artifacts
        ],
    )


def _name(person: Person) -> str:
    return person.name or person.email or f"Person {person.id}"
