"""Artifacts: a candidate's evidence, as an uploaded file (checked on its content and kept in the
storage by hash), a link, or a reference to one of their Canvas submissions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.errors import CtomError, NotFound
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import AuditEvent
from ctom_lti.text import without_nul
from ctom_lti.tools.portfolio.filetypes import ACCEPTED_LABEL, BY_MEDIA_TYPE, FileType, sniff
from ctom_lti.tools.portfolio.models import Artifact
from ctom_lti.tools.portfolio.people import require
from ctom_lti.tools.portfolio.rules import CANVAS_SUBMISSION, FILE, LINK
from ctom_lti.tools.portfolio.storage import Storage


class UploadRefused(CtomError):
    """The uploaded file is refused (its type, or it is empty or malformed)."""

    status = 422
    title = "This file cannot be added"
    hint = f"Choose a {ACCEPTED_LABEL} file."


class UploadTooLarge(UploadRefused):
    status = 413
    title = "This file is too large"


@dataclass(frozen=True)
class NewArtifact:
    title: str
    principle_keys: tuple[str, ...]
    session_number: int | None = None


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def safe_name(name: str, file_type: FileType) -> str:
    """The name a file is shown and downloaded with: no path, no control or markup characters,
    and the extension of what the file really is."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" ._")[:120] or "file"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem}{file_type.extension}"


def _new(launch: SessionLaunch, kind: str, new: NewArtifact) -> Artifact:
    return Artifact(
        cohort_id=launch.cohort_id,
        candidate_person_id=launch.person_id,
        kind=kind,
        title=without_nul(new.title.strip())[:255],
        principle_keys=list(dict.fromkeys(new.principle_keys)),
        session_number=new.session_number,
        created_at=utcnow(),
    )


def _added(session: Session, launch: SessionLaunch, artifact: Artifact) -> Artifact:
    session.add(artifact)
    session.flush()
    session.add(
        AuditEvent(
            actor_person_id=launch.person_id,
            action="portfolio.artifact.added",
            subject=f"artifact:{artifact.id}",
            detail={"cohort_id": artifact.cohort_id, "kind": artifact.kind},
        )
    )
    return artifact


def add_file(
    session: Session,
    storage: Storage,
    launch: SessionLaunch,
    new: NewArtifact,
    *,
    original_name: str,
    content: bytes,
    max_bytes: int,
) -> Artifact:
    """Store an uploaded file as the candidate's artifact.

    :raises UploadTooLarge: over ``max_bytes``.
    :raises UploadRefused: empty, or not one of the accepted types judged from its content.
    """
    require(session, launch, launch.person_id, "edit")
    if len(content) > max_bytes:
        raise UploadTooLarge(
            f"The file is larger than {max_bytes // 1_000_000} MB.",
            hint="Make it smaller (e.g. export a PDF with compressed images) or add a link.",
        )
    if not content:
        raise UploadRefused("The file is empty.")
    file_type = sniff(content)
    if file_type is None:
        raise UploadRefused(
            "This file's content is not an accepted type (SVG, HTML and programs are never "
            "accepted), or the file is damaged."
        )
    artifact = _new(launch, FILE, new)
    artifact.file_hash = storage.put(content)
    artifact.file_size = len(content)
    artifact.media_type = file_type.media_type
    artifact.original_name = safe_name(original_name, file_type)
    return _added(session, launch, artifact)


def add_link(session: Session, launch: SessionLaunch, new: NewArtifact, url: str) -> Artifact:
    """A link (already checked to be http or https) as the candidate's artifact."""
    require(session, launch, launch.person_id, "edit")
    artifact = _new(launch, LINK, new)
    artifact.url = url.strip()
    return _added(session, launch, artifact)


def add_submission(
    session: Session,
    launch: SessionLaunch,
    new: NewArtifact,
    *,
    assignment_id: str,
    submission_id: str,
    url: str | None,
) -> Artifact:
    """A reference to one of the candidate's own Canvas submissions (checked by the caller
    against the list Canvas gave for them)."""
    require(session, launch, launch.person_id, "edit")
    artifact = _new(launch, CANVAS_SUBMISSION, new)
    artifact.canvas_assignment_id = assignment_id
    artifact.canvas_submission_id = submission_id
    artifact.url = url
    return _added(session, launch, artifact)


def artifacts_of(session: Session, cohort_id: int, candidate_id: int) -> list[Artifact]:
    return list(
        session.scalars(
            select(Artifact)
            .where(Artifact.cohort_id == cohort_id, Artifact.candidate_person_id == candidate_id)
            .order_by(Artifact.created_at, Artifact.id)
        )
    )


@dataclass(frozen=True)
class Download:
    stream: BinaryIO
    name: str
    media_type: str
    size: int
    #: A raster image may be shown in the page; everything else is an attachment.
    inline_ok: bool


def open_file(
    session: Session, storage: Storage, launch: SessionLaunch, artifact_id: int
) -> Download:
    """An artifact's file for the viewer, checked on every request.

    :raises NotFound: no such file artifact, or the viewer may not read its portfolio.
    """
    artifact = session.get(Artifact, artifact_id)
    if artifact is None or artifact.cohort_id != launch.cohort_id or artifact.kind != FILE:
        raise NotFound("There is no file here that you can open.")
    require(session, launch, artifact.candidate_person_id, "read")
    assert artifact.file_hash is not None and artifact.media_type is not None
    try:
        stream = storage.open(artifact.file_hash)
    except FileNotFoundError:
        raise NotFound("The file is missing from the tool's storage.") from None
    file_type = BY_MEDIA_TYPE.get(artifact.media_type)
    return Download(
        stream,
        artifact.original_name or "file",
        artifact.media_type,
        artifact.file_size or 0,
        bool(file_type and file_type.raster_image),
    )
