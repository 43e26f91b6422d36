"""A candidate's portfolio as the exports read it: the rows gathered into the frozen
:class:`~ctom_lti.tools.portfolio.export.document.PortfolioDocument`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cohorts.mentorship import active_mentors_of
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.errors import NotFound
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.portfolio.artifacts import artifacts_of
from ctom_lti.tools.portfolio.export.document import (
    ArtifactEntry,
    ArtifactKind,
    FileOpener,
    PortfolioDocument,
    ReflectionFacts,
    ReflectionStatus,
    build_document,
)
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from ctom_lti.tools.portfolio.people import display_name
from ctom_lti.tools.portfolio.storage import Storage

_KINDS = {
    "file": ArtifactKind.FILE,
    "link": ArtifactKind.LINK,
    "canvas_submission": ArtifactKind.SUBMISSION,
}


def _opener(storage: Storage, digest: str) -> FileOpener:
    return lambda: storage.open(digest)


def _entry(storage: Storage, artifact: Artifact) -> ArtifactEntry:
    stored = artifact.kind == "file" and artifact.file_hash is not None
    return ArtifactEntry(
        key=f"a{artifact.id}",
        title=artifact.title,
        kind=_KINDS[artifact.kind],
        principle_keys=tuple(artifact.principle_keys or ()),
        media_type=artifact.media_type,
        file_name=artifact.original_name,
        size=artifact.file_size,
        open_file=_opener(storage, artifact.file_hash) if stored and artifact.file_hash else None,
        url=artifact.url,
        session_title=f"Session {artifact.session_number}" if artifact.session_number else None,
        added_at=artifact.created_at,
    )


def export_document(
    session: Session, storage: Storage, cohort_id: int, candidate_id: int
) -> PortfolioDocument:
    """Everything an export of ``candidate_id``'s portfolio in the cohort shows.

    Access is the caller's business (the candidate's own page, or an admin's command).

    :raises NotFound: no such cohort or person.
    """
    cohort = session.get(Cohort, cohort_id)
    person = session.get(Person, candidate_id)
    if cohort is None or person is None:
        raise NotFound("There is no such portfolio.")
    reflections = session.scalars(
        select(Reflection).where(
            Reflection.cohort_id == cohort_id, Reflection.candidate_person_id == candidate_id
        )
    ).all()
    signer_ids = {r.signed_off_by_person_id for r in reflections if r.signed_off_by_person_id}
    mentor_ids = active_mentors_of(session, cohort_id, candidate_id)
    names = {
        p.id: display_name(p)
        for p in session.scalars(select(Person).where(Person.id.in_(signer_ids | mentor_ids)))
    }
    return build_document(
        load_curriculum(),
        candidate_name=display_name(person),
        candidate_email=person.email or "",
        cohort_name=cohort.title or cohort.label or "",
        programme_start=cohort.term_start,
        programme_end=cohort.term_end,
        mentor_name=", ".join(sorted(names[i] for i in mentor_ids)) or None,
        generated_at=utcnow(),
        reflections=(
            ReflectionFacts(
                principle_key=r.principle_key,
                status=ReflectionStatus(r.status),
                markdown=r.body,
                signed_off_by=names.get(r.signed_off_by_person_id or 0),
                signed_off_at=r.signed_off_at,
                updated_at=r.updated_at,
            )
            for r in reflections
        ),
        artifacts=(_entry(storage, a) for a in artifacts_of(session, cohort_id, candidate_id)),
    )
