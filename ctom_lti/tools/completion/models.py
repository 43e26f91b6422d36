"""Programme completion's tables: admins' overrides of one rule for one candidate, and frozen
"as of" snapshots of the whole cohort's decision with a hash of the inputs it was made from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class CompletionOverride(Model):
    """An admin's decision that one rule is met for one candidate, with a written justification.

    Revoking keeps the row (``revoked_at``); every change is also an audit event.
    """

    __tablename__ = "completion_override"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: the candidate
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: a key of ``settings.RULE_KEYS``
    rule: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str] = mapped_column(Text)
    by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: who decided, as shown with the result (kept if the person row goes)
    by_name: Mapped[str] = mapped_column(String(255), default="")
    revoked_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CompletionSnapshot(Model):
    """The cohort's completion decision frozen as of a day: inputs, their hash, the results.

    ``inputs`` is canonical JSON (sorted keys, no spaces), so its SHA-256 can be computed again
    from the stored text at any time and the results re-derived from it.
    """

    __tablename__ = "completion_snapshot"
    __table_args__ = (Index("ix_completion_snapshot_cohort", "cohort_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    inputs: Mapped[str] = mapped_column(Text)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: how many candidates completed, of how many
    completed: Mapped[int] = mapped_column(default=0)
    candidates: Mapped[int] = mapped_column(default=0)
    by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
