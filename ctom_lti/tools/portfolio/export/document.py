"""What an export contains: a frozen picture of one candidate's portfolio.

The portfolio's service gathers the rows into a :class:`PortfolioDocument` (see
:func:`build_document`); the exporters (``html_zip``, ``pdf``) only read it. Reflections stay
Markdown here and are rendered and sanitised by :func:`~.markdown.render_markdown` when an
exporter asks, so nothing unsanitised can reach an export. An artifact's file is read lazily
through ``open_file``, so a document holding sixty artifacts does not hold their bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import BinaryIO

from ctom_lti.curriculum import Curriculum

#: Opens an artifact's stored bytes for reading; the caller closes what it returns.
FileOpener = Callable[[], BinaryIO]


class ReflectionStatus(StrEnum):
    """Where a principle's reflection stands, as an export shows it."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SHARED = "shared"
    SIGNED_OFF = "signed_off"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReflectionStatus.NOT_STARTED: "Not started",
    ReflectionStatus.DRAFT: "Draft",
    ReflectionStatus.SHARED: "Shared for review",
    ReflectionStatus.SIGNED_OFF: "Signed off",
}


class ArtifactKind(StrEnum):
    FILE = "file"
    LINK = "link"
    SUBMISSION = "submission"

    @property
    def label(self) -> str:
        return {"file": "File", "link": "Link", "submission": "Canvas submission"}[self.value]


@dataclass(frozen=True)
class ArtifactEntry:
    """One piece of evidence. ``file_name`` and ``title`` are as the candidate gave them
    (exporters escape and sanitise them); ``media_type`` is what the upload check found in the
    content, not what the name says. ``open_file`` is set for uploaded files, ``url`` for links
    and Canvas submissions."""

    key: str
    title: str
    kind: ArtifactKind
    principle_keys: tuple[str, ...]
    media_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    open_file: FileOpener | None = None
    url: str | None = None
    session_title: str | None = None
    added_at: datetime | None = None

    @property
    def is_image(self) -> bool:
        """Whether the file is a raster image an export may show inline (never SVG)."""
        return self.open_file is not None and self.media_type in INLINE_IMAGE_TYPES


#: Raster image types shown inline; anything else (SVG included) is listed, never displayed.
INLINE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True)
class ReflectionFacts:
    """A reflection as the portfolio stores it: Markdown text and where it stands."""

    principle_key: str
    status: ReflectionStatus
    markdown: str
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PrincipleEntry:
    key: str
    name: str
    topics: tuple[str, ...]
    status: ReflectionStatus
    reflection_markdown: str
    signed_off_by: str | None
    signed_off_at: datetime | None
    updated_at: datetime | None
    artifact_keys: tuple[str, ...]


@dataclass(frozen=True)
class StrandEntry:
    key: str
    name: str
    principles: tuple[PrincipleEntry, ...]


@dataclass(frozen=True)
class PortfolioDocument:
    """Everything an export shows, in the curriculum's order."""

    programme_name: str
    candidate_name: str
    candidate_email: str
    cohort_name: str
    programme_start: date | None
    programme_end: date | None
    mentor_name: str | None
    generated_at: datetime
    strands: tuple[StrandEntry, ...]
    artifacts: tuple[ArtifactEntry, ...]

    @property
    def principles(self) -> tuple[PrincipleEntry, ...]:
        return tuple(p for s in self.strands for p in s.principles)

    def artifacts_for(self, principle: PrincipleEntry) -> tuple[ArtifactEntry, ...]:
        by_key = {a.key: a for a in self.artifacts}
        return tuple(by_key[k] for k in principle.artifact_keys)

    @property
    def signed_off_count(self) -> int:
        return sum(p.status is ReflectionStatus.SIGNED_OFF for p in self.principles)


def build_document(
    curriculum: Curriculum,
    *,
    candidate_name: str,
    candidate_email: str,
    cohort_name: str,
    programme_start: date | None,
    programme_end: date | None,
    mentor_name: str | None,
    generated_at: datetime,
    reflections: Iterable[ReflectionFacts],
    artifacts: Iterable[ArtifactEntry],
) -> PortfolioDocument:
    """Lay a candidate's reflections and artifacts out over the curriculum: every principle
    appears (not started when it has no reflection), each with the artifacts tagged with it in
    the order given. Reflections and tags for principles the curriculum does not know are left
    out."""
    by_principle: Mapping[str, ReflectionFacts] = {r.principle_key: r for r in reflections}
    artifact_list = tuple(artifacts)
    strands = []
    for strand in curriculum.strands:
        entries = []
        for principle in strand.principles:
            facts = by_principle.get(principle.key)
            entries.append(
                PrincipleEntry(
                    key=principle.key,
                    name=principle.name,
                    topics=principle.topics,
                    status=facts.status if facts else ReflectionStatus.NOT_STARTED,
                    reflection_markdown=facts.markdown if facts else "",
                    signed_off_by=facts.signed_off_by if facts else None,
                    signed_off_at=facts.signed_off_at if facts else None,
                    updated_at=facts.updated_at if facts else None,
                    artifact_keys=tuple(
                        a.key for a in artifact_list if principle.key in a.principle_keys
                    ),
                )
            )
        strands.append(StrandEntry(strand.key, strand.name, tuple(entries)))
    return PortfolioDocument(
        programme_name=curriculum.name,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
        cohort_name=cohort_name,
        programme_start=programme_start,
        programme_end=programme_end,
        mentor_name=mentor_name,
        generated_at=generated_at,
        strands=tuple(strands),
        artifacts=artifact_list,
    )


def bytes_opener(data: bytes) -> FileOpener:
    """An opener for bytes already in memory (tests, generated data)."""
    return lambda: io.BytesIO(data)
