"""The grade outbox's tables: the tool's gradebook columns per cohort, and the posts to make.

A :class:`GradePost` row is written in the same transaction as the change it grades (a report
submitted, a portfolio signed off), so a crash between that commit and the post to Canvas loses
nothing: a worker posts it later. A :class:`GradeColumn` row per (cohort, tag) is what workers
claim before looking for or creating the AGS line item, so two workers never create it twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class GradeColumn(Model):
    """A gradebook column (AGS line item) the tool owns in a cohort's course."""

    __tablename__ = "grade_column"
    __table_args__ = (UniqueConstraint("cohort_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: Stable tag (also the line item's ``resourceId``), e.g. ``ctom-report-2026-09``.
    tag: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(255))
    score_maximum: Mapped[float] = mapped_column(Float, default=1.0)
    #: The line item's URL (its AGS id) once found or created; None before.
    lineitem_url: Mapped[str | None] = mapped_column(String(1024))
    #: While a worker looks for or creates the line item, others wait until then at most.
    creating_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<GradeColumn {self.cohort_id}/{self.tag}>"


class GradePost(Model):
    """One pass/fail score to post for a person in one of the tool's columns."""

    __tablename__ = "grade_post"
    __table_args__ = (
        Index("ix_grade_post_state_due", "state", "next_attempt_at"),
        Index("ix_grade_post_key", "cohort_id", "column_tag", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    column_tag: Mapped[str] = mapped_column(String(255))
    column_label: Mapped[str] = mapped_column(String(255))
    score_maximum: Mapped[float] = mapped_column(Float, default=1.0)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    passed: Mapped[bool]
    #: What decided it, for people reading the dashboard: ``report:2026-09``, ``portfolio``.
    source: Mapped[str] = mapped_column(String(255))
    #: A :class:`ctom_lti.grades.rules.PostState` value.
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: While ``sending``: the worker's claim runs out then (another worker may then recover it).
    lease_until: Mapped[datetime | None]
    #: The claiming worker's token: only it may record the outcome of its attempt.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    #: The score's timestamp, fixed at the first attempt and reused by every later one.
    score_timestamp: Mapped[datetime | None]
    #: An attempt may have reached Canvas (5xx, timeout, a worker died): read before re-posting.
    maybe_landed: Mapped[bool] = mapped_column(default=False)
    #: What went wrong last (for a person when ``failed``).
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<GradePost {self.id} {self.column_tag} person={self.person_id} {self.state}>"
