"""Reading and saving profiles, with optimistic locking on ``version``.

Functions take the session and never commit: the view does, once the outcome says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctom_lti.card_facts import viewer_person_id
from ctom_lti.db import utcnow
from ctom_lti.features import Card, Viewer
from ctom_lti.tools.profile.models import ProgrammeProfile
from ctom_lti.tools.profile.rules import ProfileValues, profile_cards


@dataclass(frozen=True)
class SaveResult:
    """``saved`` is False when someone else saved first (nothing was written); ``version`` is
    then the stored version and ``current`` what is stored."""

    saved: bool
    version: int
    current: ProfileValues | None = None


#: What the profile's home card needs: whether the viewer has a profile.
CARD_FACTS: Mapping[str, ColumnElement[Any]] = {
    "has_profile": exists().where(ProgrammeProfile.person_id == viewer_person_id())
}


def card_rule(viewer: Viewer, facts: Mapping[str, Any]) -> Sequence[Card]:
    return profile_cards(viewer.roles, bool(facts["has_profile"]))


def get_profile(session: Session, person_id: int) -> ProgrammeProfile | None:
    return session.scalar(select(ProgrammeProfile).where(ProgrammeProfile.person_id == person_id))


def form_data(session: Session, person_id: int) -> dict[str, Any]:
    """The stored profile as the form's initial data (empty for a new profile)."""
    profile = get_profile(session, person_id)
    if profile is None:
        return {"version": "0"}
    return {
        "district": profile.district,
        "job_title": profile.job_title,
        "years_in_leadership": str(profile.years_in_leadership),
        "expertise": list(profile.expertise or ()),
        "bio": profile.bio,
        "version": str(profile.version),
    }


def _values(profile: ProgrammeProfile) -> ProfileValues:
    return ProfileValues(
        profile.district,
        profile.job_title,
        profile.years_in_leadership,
        tuple(profile.expertise or ()),
        profile.bio,
    )


def _refused(session: Session, person_id: int) -> SaveResult:
    current = get_profile(session, person_id)
    if current is None:
        return SaveResult(False, 0)
    return SaveResult(False, current.version, _values(current))


def save_profile(
    session: Session, person_id: int, values: ProfileValues, expected_version: int
) -> SaveResult:
    """Create (``expected_version`` 0) or update the profile if it is still at that version.

    The caller commits. A stale version, or a profile created meanwhile by another request,
    gives ``SaveResult(saved=False)`` with what is stored, and writes nothing.
    """
    fields = {
        "district": values.district,
        "job_title": values.job_title,
        "years_in_leadership": values.years_in_leadership,
        "expertise": list(values.expertise),
        "bio": values.bio,
        "updated_at": utcnow(),
    }
    if expected_version == 0:
        try:
            with session.begin_nested():
                session.add(ProgrammeProfile(person_id=person_id, version=1, **fields))
        except IntegrityError:
            return _refused(session, person_id)
        return SaveResult(True, 1)
    result = session.execute(
        update(ProgrammeProfile)
        .where(
            ProgrammeProfile.person_id == person_id,
            ProgrammeProfile.version == expected_version,
        )
        .values(version=ProgrammeProfile.version + 1, **fields)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return _refused(session, person_id)
    return SaveResult(True, expected_version + 1)
