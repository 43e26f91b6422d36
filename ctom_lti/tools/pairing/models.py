"""Mentor pairing's tables: what mentors and candidates add to their programme profile, the
evidence of a mentor's qualifications, the pairings with their history, and pushes to Canvas.

A person's district, years and expertise stay on the programme profile (``programme_profile``);
these tables add only what pairing needs besides.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class MentorProfile(Model):
    """What a mentor adds to their programme profile (one per person)."""

    __tablename__ = "pairing_mentor_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    #: ``north`` or ``south`` (Northern / Southern California).
    region: Mapped[str | None] = mapped_column(String(16))
    #: How many candidates the mentor can take.
    capacity: Mapped[int] = mapped_column(default=1)
    availability: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Qualification(Model):
    """One of the seed's mentor qualifications for one mentor, with its evidence."""

    __tablename__ = "pairing_qualification"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: A key of ``rules.QUALIFICATIONS``.
    key: Mapped[str] = mapped_column(String(32))
    met: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(Text, default="")
    verified_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None]


class CandidateProfile(Model):
    """What a candidate adds to their programme profile (one per person)."""

    __tablename__ = "pairing_candidate_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    region: Mapped[str | None] = mapped_column(String(16))
    #: Superintendent nomination on file.
    nominated: Mapped[bool] = mapped_column(default=False)
    #: Principle keys from the curriculum the candidate wants to grow in.
    growth_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Person ids of mentors the candidate would like.
    preferred_mentor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Person ids the candidate must not be paired with.
    conflict_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Pairing(Model):
    """A mentor and a candidate in one cohort: proposed → active → ended.

    ``version`` increases with every change, so two admins acting on the same pairing cannot
    overwrite each other. Later features attach to a pairing, so a re-pair ends this row and
    starts another rather than changing its mentor.
    """

    __tablename__ = "pairing"
    __table_args__ = (Index("ix_pairing_cohort_status", "cohort_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    mentor_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: ``proposed``, ``active`` or ``ended``.
    status: Mapped[str] = mapped_column(String(16))
    #: The score breakdown when proposed: ``{"total": n, "parts": [{name, points, reason}]}``.
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: ``proposal`` or ``hand``.
    origin: Mapped[str] = mapped_column(String(16), default="proposal")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairingEvent(Model):
    """Append-only history of a pairing: every change, who made it and when."""

    __tablename__ = "pairing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    #: ``proposed``, ``accepted``, ``rejected``, ``paired``, ``ended``.
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class PairingPush(Model):
    """One push of a cohort's active pairings to Canvas as observer links."""

    __tablename__ = "pairing_push"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: ``running``, ``succeeded`` or ``failed``.
    status: Mapped[str] = mapped_column(String(16), default="running")
    #: What happened, in words an admin can act on.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: (mentor id, candidate id) pairs that were active when the push started.
    pushed_pairs: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
