"""The candidate changes or removes one of their artifacts: retitle, retag, move to another
session, or delete it (with its comment thread). Edits are checked by version; an artifact that
a signed-off reflection cites stays until the signer reopens that reflection.

Functions take a Session and the viewer's launch and return an outcome; the view commits. A
deleted file's content is removed from the storage only after the commit, and only when no
other artifact (of anyone) still names the same content.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.errors import NotFound
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import AuditEvent
from ctom_lti.text import without_nul
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from ctom_lti.tools.portfolio.people import require
from ctom_lti.tools.portfolio.rules import (
    FILE,
    SIGNED_OFF,
    ArtifactRefusal,
    decide_artifact_change,
)
from ctom_lti.tools.portfolio.storage import Storage

STALE = (
    "This artifact was changed (in another tab or window) while you were editing it; nothing "
    "was overwritten."
)


@dataclass(frozen=True)
class ArtifactChange:
    """What an edit or delete did, or why it was refused."""

    artifact: Artifact
    refused: ArtifactRefusal | None = None
    #: The refusal in words.
    problem: str = ""
    #: For a delete: the stored content it used, to forget once the delete is committed.
    freed_hash: str | None = None

    @property
    def stale(self) -> bool:
        return self.refused == "stale"


@dataclass(frozen=True)
class DeletePreview:
    artifact: Artifact
    #: Principle names of reflections citing it, and of the signed-off ones among them.
    cited_by: tuple[str, ...]
    signed_off_by: tuple[str, ...]
    comments: int


def own_artifact(session: Session, launch: SessionLaunch, artifact_id: int) -> Artifact:
    """The viewer's own artifact in the launch's cohort.

    :raises NotFound: no such artifact here, or one the viewer may not read.
    :raises Forbidden: a reviewer's (they read it but may not change it).
    """
    artifact = session.get(Artifact, artifact_id)
    if artifact is None or artifact.cohort_id != launch.cohort_id:
        raise NotFound("There is no such artifact in your portfolio.")
    require(session, launch, artifact.candidate_person_id, "edit")
    return artifact


def _citing(session: Session, artifact: Artifact) -> list[Reflection]:
    reflections = session.scalars(
        select(Reflection).where(
            Reflection.cohort_id == artifact.cohort_id,
            Reflection.candidate_person_id == artifact.candidate_person_id,
        )
    )
    return [r for r in reflections if artifact.id in (r.cited_artifact_ids or ())]


def _names(keys: list[str]) -> tuple[str, ...]:
    curriculum = load_curriculum()
    return tuple(curriculum.principle(key).name for key in sorted(keys))


def delete_preview(session: Session, launch: SessionLaunch, artifact_id: int) -> DeletePreview:
    artifact = own_artifact(session, launch, artifact_id)
    citing = _citing(session, artifact)
    comments = session.scalar(
        select(func.count()).select_from(Comment).where(Comment.artifact_id == artifact.id)
    )
    return DeletePreview(
        artifact,
        _names([r.principle_key for r in citing]),
        _names([r.principle_key for r in citing if r.status == SIGNED_OFF]),
        int(comments or 0),
    )


def _audit(session: Session, launch: SessionLaunch, action: str, artifact: Artifact) -> None:
    session.add(
        AuditEvent(
            actor_person_id=launch.person_id,
            action=f"portfolio.artifact.{action}",
            subject=f"artifact:{artifact.id}",
            detail={
                "cohort_id": artifact.cohort_id,
                "kind": artifact.kind,
                "title": artifact.title,
                "version": artifact.version,
            },
        )
    )


def edit_artifact(
    session: Session,
    launch: SessionLaunch,
    artifact_id: int,
    *,
    title: str,
    principle_keys: tuple[str, ...],
    session_number: int | None,
    expected_version: int,
) -> ArtifactChange:
    """The candidate retitles, retags or moves their artifact (from the version they saw)."""
    artifact = own_artifact(session, launch, artifact_id)
    refused = decide_artifact_change(artifact.version, expected_version, delete=False)
    if refused is not None:
        return ArtifactChange(artifact, refused, STALE)
    artifact.title = without_nul(title.strip())[:255]
    artifact.principle_keys = list(dict.fromkeys(principle_keys))
    artifact.session_number = session_number
    artifact.version += 1
    session.flush()
    _audit(session, launch, "edited", artifact)
    return ArtifactChange(artifact)


def delete_artifact(
    session: Session, launch: SessionLaunch, artifact_id: int, expected_version: int
) -> ArtifactChange:
    """The candidate deletes their artifact and the comments on it; reflections citing it stop
    citing it (a signed-off one refuses the delete instead)."""
    artifact = own_artifact(session, launch, artifact_id)
    citing = _citing(session, artifact)
    signed = _names([r.principle_key for r in citing if r.status == SIGNED_OFF])
    refused = decide_artifact_change(artifact.version, expected_version, signed, delete=True)
    if refused == "stale":
        return ArtifactChange(artifact, refused, STALE)
    if refused is not None:
        return ArtifactChange(
            artifact,
            refused,
            f"“{artifact.title}” is cited by your signed-off reflection on "
            f"{', '.join(signed)}, so it is part of what was signed off and cannot be deleted. "
            "The person who signed it off can reopen the reflection; then you can change what "
            "it cites.",
        )
    now = utcnow()
    for reflection in citing:
        reflection.cited_artifact_ids = [
            i for i in reflection.cited_artifact_ids or () if i != artifact.id
        ]
        reflection.version += 1
        reflection.updated_at = now
    _audit(session, launch, "deleted", artifact)
    freed = artifact.file_hash if artifact.kind == FILE else None
    session.delete(artifact)
    session.flush()
    return ArtifactChange(artifact, freed_hash=freed)


def forget_unused_content(session: Session, storage: Storage, digest: str | None) -> bool:
    """After a committed delete: remove ``digest`` from the storage unless an artifact (of
    anyone: content is stored once for all) still names it. True when it was removed."""
    if not digest:
        return False
    still_used = session.scalar(select(Artifact.id).where(Artifact.file_hash == digest).limit(1))
    if still_used is not None:
        return False
    storage.delete(digest)
    return True
