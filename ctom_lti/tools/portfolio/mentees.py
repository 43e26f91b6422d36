"""Which candidate's reflection a reviewer opens from a principle's link."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from ctom_lti.tools.portfolio.models import Reflection
from ctom_lti.tools.portfolio.people import display_name, visible_candidates
from ctom_lti.tools.portfolio.rules import MISSING, STATUS_LABELS
from ctom_lti.tools.portfolio.service import check_principle


@dataclass(frozen=True)
class ChoiceRow:
    person_id: int
    name: str
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ReviewerChoice:
    principle_key: str
    principle_name: str
    rows: tuple[ChoiceRow, ...]
    #: The one candidate to open directly (a mentor with a single mentee).
    only: int | None


def reviewer_choice(session: Session, launch: SessionLaunch, principle_key: str) -> ReviewerChoice:
    """The candidates whose reflection on ``principle_key`` the viewer may review."""
    name = check_principle(principle_key)
    people = [p for p in visible_candidates(session, launch) if p.id != launch.person_id]
    statuses = dict(
        session.execute(
            select(Reflection.candidate_person_id, Reflection.status).where(
                Reflection.cohort_id == launch.cohort_id,
                Reflection.principle_key == principle_key,
            )
        ).all()
    )
    rows = tuple(ChoiceRow(p.id, display_name(p), statuses.get(p.id, MISSING)) for p in people)
    staff = launch.has_any(Role.INSTRUCTOR, Role.ADMIN)
    only = rows[0].person_id if len(rows) == 1 and not staff else None
    return ReviewerChoice(principle_key, name, rows, only)
