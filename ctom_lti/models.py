"""Shared entities: who the platforms are, who the people are, which courses they meet in.

Feature packages keep their own tables in their own ``models`` modules; these are the ones every
feature refers to. Models import only SQLAlchemy and the standard library.
"""

from __future__ import annotations

import datetime as dt
import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctom_lti.db import Model, utcnow


class Role(enum.StrEnum):
    """The tool's own roles, mapped from LTI roles by ``ctom_lti.lti.roles``."""

    CANDIDATE = "candidate"
    MENTOR = "mentor"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class Platform(Model):
    """One LTI 1.3 registration: a Canvas developer key on one Canvas instance.

    Every Canvas Cloud tenant shares the issuer ``https://canvas.instructure.com``, so a
    registration is identified by ``(issuer, client_id)``, never by issuer alone.
    """

    __tablename__ = "platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: LTI ``iss`` claim, e.g. ``https://canvas.instructure.com``.
    issuer: Mapped[str] = mapped_column(String(255))
    #: Canvas developer key global id as a decimal string (LTI ``aud`` / ``azp``).
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    auth_token_url: Mapped[str] = mapped_column(String(1024))
    key_set_url: Mapped[str] = mapped_column(String(1024))
    #: ``aud`` for client-credentials assertions when it differs from ``auth_token_url``.
    auth_audience: Mapped[str | None] = mapped_column(String(1024))
    #: Institution's Canvas REST base URL, e.g. ``https://school.instructure.com`` (for sync).
    canvas_url: Mapped[str | None] = mapped_column(String(1024))
    #: Canvas REST API token, Fernet-encrypted with ``CTOM_ENCRYPTION_KEY``; never shown again.
    canvas_token_encrypted: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Platform {self.id} {self.issuer} client_id={self.client_id}>"


class Deployment(Model):
    """A deployment of a registration: a Canvas ``ContextExternalTool`` install."""

    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    #: LTI ``deployment_id`` claim, e.g. ``6:8865aa05b4b79b64a91a86042e43af5ea8ae79eb``.
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")

    def __repr__(self) -> str:
        return f"<Deployment {self.deployment_id} of platform {self.platform_id}>"


class Person(Model):
    """Someone who has launched the tool (or was synced from Canvas) on one platform."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    #: LTI ``sub`` claim: the Canvas user's ``lti_id`` UUID, stable per platform.
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    #: Canvas numeric user id (``$Canvas.user.id`` custom field), as a string.
    canvas_user_id: Mapped[str | None] = mapped_column(String(64))
    #: SIS user id (LIS ``person_sourcedid``) when the platform shares it.
    sis_user_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Person {self.id} sub={self.sub}>"


class Cohort(Model):
    """A cohort of the programme: its calendar, its settings and the Canvas course it lives in.

    A cohort always belongs to one registration (tenant): every Canvas Cloud school shares one
    issuer and numbers its courses from 1, so a Canvas course id means something only within its
    registration. Cohort files and launches find a cohort within their own registration only.
    """

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("platform_id", "context_id"),
        UniqueConstraint("platform_id", "sis_course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    #: LTI ``context.id`` (Canvas opaque 40-hex course id); None until the first launch.
    context_id: Mapped[str | None] = mapped_column(String(255))
    #: Canvas REST base URL of the course, e.g. ``https://school.instructure.com``.
    canvas_url: Mapped[str | None] = mapped_column(String(1024))
    #: Canvas numeric course id (``$Canvas.course.id`` in launches; found or made by sync).
    canvas_course_id: Mapped[str | None] = mapped_column(String(64))
    #: Canvas ``sis_course_id`` from the cohort file: how admins name the cohort (``--cohort``).
    sis_course_id: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    label: Mapped[str | None] = mapped_column(String(255))
    #: The cohort's number in the programme (``Cohort 12``).
    number: Mapped[int | None]
    #: IANA time zone the sessions' local times are in, e.g. ``America/Los_Angeles``.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    term_start: Mapped[dt.date | None]
    term_end: Mapped[dt.date | None]
    #: Programme settings from the cohort file (account, options, principle due sessions),
    #: as written by :func:`ctom_lti.cohorts.calendar.settings_json`.
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: LTI Names and Role Provisioning Services URL of the course, recorded from launches.
    nrps_url: Mapped[str | None] = mapped_column(String(1024))
    roster_refreshed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    platform: Mapped[Platform] = relationship()
    sessions: Mapped[list[CohortSession]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        order_by="CohortSession.number",
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.title!r}>"


class CohortSession(Model):
    """One of a cohort's eight sessions: when, where, and in which half of the state."""

    __tablename__ = "cohort_session"
    __table_args__ = (UniqueConstraint("cohort_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    #: 1 to 8, in calendar order.
    number: Mapped[int]
    #: Curriculum session key, e.g. ``session-3``.
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    #: Curriculum format: ``kickoff-full-friday`` or ``friday-evening-saturday``.
    format: Mapped[str] = mapped_column(String(64))
    #: The Friday the session starts.
    date: Mapped[dt.date]
    #: Local start time on ``date``, in the cohort's time zone.
    start: Mapped[dt.time]
    #: The venue.
    location: Mapped[str] = mapped_column(String(255))
    #: ``north`` or ``south``.
    region: Mapped[str] = mapped_column(String(16))

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<CohortSession {self.cohort_id}#{self.number} {self.date}>"


class Membership(Model):
    """A person's role in a cohort, as last seen in a launch (or set by an admin)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "cohort_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="active")
    #: Raw ``$Canvas.membership.roles`` value at the last launch, kept for support questions.
    canvas_roles: Mapped[str | None] = mapped_column(String(1024))
    last_launch_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<Membership person={self.person_id} cohort={self.cohort_id} {self.role}>"


class AuditEvent(Model):
    """Append-only record of who did what, when."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject}>"
