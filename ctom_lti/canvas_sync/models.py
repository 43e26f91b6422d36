"""Tables owned by sync: which Canvas object is which desired object, and what each run did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class SyncMapping(Model):
    """A desired object of a cohort course (by its desired key) and the Canvas object that is it.

    Written as soon as sync creates or adopts an object, so a run that dies half-way still knows
    what it made. ``created_by_sync`` is False for objects found by name: those are never deleted.
    """

    __tablename__ = "sync_mapping"
    __table_args__ = (
        UniqueConstraint("canvas_url", "canvas_course_id", "desired_key"),
        Index("ix_sync_mapping_course_sis", "canvas_url", "sis_course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The tool's cohort this course belongs to; None for rows written before cohorts were
    #: recorded (filled in by the next sync of the course).
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    #: Canvas base URL (``https://school.instructure.com``): ids are unique per instance only.
    canvas_url: Mapped[str] = mapped_column(String(512))
    #: Canvas course id of the cohort course.
    canvas_course_id: Mapped[int] = mapped_column(BigInteger)
    #: The course's SIS id from the cohort file.
    sis_course_id: Mapped[str] = mapped_column(String(255))
    #: Desired key, e.g. ``page:principle-infrastructure-overview`` (see canvas_sync.desired).
    desired_key: Mapped[str] = mapped_column(String(255))
    #: ``course`` | ``tool`` | ``group`` | ``page`` | ``assignment`` | ``module`` | ``item`` |
    #: ``observer``
    kind: Mapped[str] = mapped_column(String(32))
    #: Canvas id of the object: page_id for pages, enrollment id for observer links, module item
    #: id for items, etc.
    canvas_id: Mapped[int] = mapped_column(BigInteger)
    created_by_sync: Mapped[bool] = mapped_column(default=True)
    #: digest of the rich text sync last sent, and of what Canvas stored (it sanitises HTML)
    sent_digest: Mapped[str | None] = mapped_column(String(64))
    seen_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SyncMapping {self.desired_key} -> {self.kind} {self.canvas_id}>"


class SyncRun(Model):
    """One ``ctom-lti sync`` run against a course, with its JSON report."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_course_sis", "canvas_url", "sis_course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The tool's cohort the run synced; None when no registration matched its Canvas address.
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    canvas_url: Mapped[str] = mapped_column(String(512))
    sis_course_id: Mapped[str] = mapped_column(String(255))
    #: Canvas course id; None while the course is still being created.
    canvas_course_id: Mapped[int | None] = mapped_column(BigInteger)
    cohort_name: Mapped[str] = mapped_column(String(255), default="")
    #: ``full`` or ``pairings``
    scope: Mapped[str] = mapped_column(String(16), default="full")
    prune: Mapped[bool] = mapped_column(default=False)
    #: ``running`` | ``succeeded`` | ``failed`` | ``interrupted``
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    api_reads: Mapped[int] = mapped_column(default=0)
    api_writes: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<SyncRun {self.id} {self.sis_course_id} {self.status}>"
