"""Tables owned by the LTI layer.

When ``REDIS_URL`` is set, launch state, sessions, service tokens and caches live in Redis and
these key/value tables stay empty; otherwise the database holds them, so several workers still
share them (a per-process cache would break launches across workers, pylti1p3-notes.md §2.2).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class _KeyValue:
    """Columns shared by the key/value tables: an opaque key, a text value, an expiry."""

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LaunchStateRecord(_KeyValue, Model):
    """One-time records: spent OIDC login states and launch continuation tokens.

    Logins themselves store nothing (their state is signed, see ``state_store``); a state is
    recorded here when a platform-signed launch spends it. Keys are hashes of the state / token,
    never the value a browser holds.
    """

    __tablename__ = "lti_launch_state"


class SessionRecord(_KeyValue, Model):
    """Server-side session data, keyed by the SHA-256 of the session id the browser holds."""

    __tablename__ = "lti_session"


class ServiceTokenRecord(_KeyValue, Model):
    """LTI Advantage access tokens, keyed by (issuer, client_id, token URL, scopes)."""

    __tablename__ = "lti_service_token"


class CacheRecord(_KeyValue, Model):
    """Shared caches: platform key sets, launch fingerprints, the registration generation."""

    __tablename__ = "lti_cache"


class MentorScope(Model):
    """A mentor's mentees as Canvas last named them (``role_scope_mentor`` in a mentor launch).

    This is what Canvas's observer links say, recorded so the home page can show mentor and
    mentees before pairing exists; the tool's pairing table (a later feature) is the authority.
    """

    __tablename__ = "lti_mentor_scope"
    __table_args__ = (
        UniqueConstraint("cohort_id", "mentor_person_id", "mentee_sub"),
        Index("ix_lti_mentor_scope_cohort_mentee", "cohort_id", "mentee_sub"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    mentor_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: LTI ``sub`` of the observed candidate (they may not have launched the tool yet).
    mentee_sub: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<MentorScope cohort={self.cohort_id} mentor={self.mentor_person_id}>"
