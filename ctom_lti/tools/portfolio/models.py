"""Portfolio tables: a candidate's artifacts (evidence), their reflection per principle, the
comment threads on both, and when each reviewer last looked at a candidate's portfolio.

Files are not stored here: an uploaded artifact keeps the SHA-256 of its content, and the bytes
live in the portfolio's storage (``storage.py``) under that hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class Artifact(Model):
    """One piece of evidence: an uploaded file, a link, or one of the candidate's Canvas
    submissions in the cohort course."""

    __tablename__ = "portfolio_artifact"
    __table_args__ = (Index("ix_portfolio_artifact_owner", "cohort_id", "candidate_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: ``file``, ``link`` or ``canvas_submission``.
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(255))
    #: SHA-256 (hex) of a file's content: its name in the storage.
    file_hash: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None]
    #: The media type found in the file's content (never the one the browser claimed).
    media_type: Mapped[str | None] = mapped_column(String(128))
    #: The file's name as uploaded; shown and offered when downloading, never used as a path.
    original_name: Mapped[str | None] = mapped_column(String(255))
    #: A link's address (http or https only).
    url: Mapped[str | None] = mapped_column(String(2048))
    #: Canvas numeric ids of a referenced submission's assignment and submission.
    canvas_assignment_id: Mapped[str | None] = mapped_column(String(64))
    canvas_submission_id: Mapped[str | None] = mapped_column(String(64))
    #: Curriculum principle keys the artifact is evidence for.
    principle_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The programme session (1 to 8) it came from, if any.
    session_number: Mapped[int | None]
    #: Increases with every edit, so an edit racing another (two tabs) is caught.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reflection(Model):
    """A candidate's reflection on one principle: draft → shared → signed off.

    ``version`` increases with every change, so an edit that races another (two tabs, or the
    candidate saving while a mentor signs off) is caught rather than overwriting it.
    """

    __tablename__ = "portfolio_reflection"
    __table_args__ = (
        UniqueConstraint(
            "cohort_id",
            "candidate_person_id",
            "principle_key",
            name="uq_portfolio_reflection_owner_principle",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: A curriculum principle key.
    principle_key: Mapped[str] = mapped_column(String(64))
    #: Markdown as the candidate typed it (rendered and sanitised on display).
    body: Mapped[str] = mapped_column(Text, default="")
    #: Ids of the candidate's artifacts the reflection cites.
    cited_artifact_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: ``draft``, ``shared`` or ``signed_off``.
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    shared_at: Mapped[datetime | None]
    signed_off_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    signed_off_at: Mapped[datetime | None]
    #: Why the signer reopened it, when they did (kept until it is signed off again).
    reopened_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Model):
    """One message in the thread on a reflection or on an artifact."""

    __tablename__ = "portfolio_comment"
    __table_args__ = (Index("ix_portfolio_comment_owner", "cohort_id", "candidate_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: Whose portfolio the thread is in.
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    reflection_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_reflection.id", ondelete="CASCADE"), index=True
    )
    artifact_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_artifact.id", ondelete="CASCADE"), index=True
    )
    author_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(Model):
    """When a person last opened a candidate's portfolio ("what changed since my last visit")."""

    __tablename__ = "portfolio_visit"
    __table_args__ = (
        UniqueConstraint(
            "person_id", "cohort_id", "candidate_person_id", name="uq_portfolio_visit_person_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
