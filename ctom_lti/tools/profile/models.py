"""The programme profile table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ctom_lti.db import Model, utcnow


class ProgrammeProfile(Model):
    """What a candidate or mentor tells the programme about themselves (one per person).

    ``version`` increases with every save; an edit made from an older version is refused rather
    than silently overwriting someone else's change.
    """

    __tablename__ = "programme_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    #: School district (or county office) the person works for.
    district: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    #: Whole years in K-12 technology leadership.
    years_in_leadership: Mapped[int]
    #: Principle keys from the curriculum (``curriculum.toml``) the person is strong in.
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ProgrammeProfile person={self.person_id} v{self.version}>"
