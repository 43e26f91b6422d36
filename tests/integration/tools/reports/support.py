"""Arranging report tests: a cohort with a calendar, pairings made straight in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ctom_lti.models import Cohort, Person
from ctom_lti.tools.pairing.models import Pairing

TERM_START = date(2026, 9, 12)
TERM_END = date(2027, 5, 22)
ZONE = "America/Los_Angeles"


def give_calendar(cohort: Cohort, **fields: Any) -> Cohort:
    """Give ``cohort`` the term and time zone a synced cohort has."""
    cohort.time_zone = fields.get("time_zone", ZONE)
    cohort.term_start = fields.get("term_start", TERM_START)
    cohort.term_end = fields.get("term_end", TERM_END)
    return cohort


def make_pairing(
    session: Session,
    cohort: Cohort,
    mentor: Person,
    candidate: Person,
    *,
    started_on: date | None = TERM_START,
    ended_on: date | None = None,
) -> Pairing:
    """An active pairing (ended when ``ended_on`` is given)."""
    pairing = Pairing(
        cohort_id=cohort.id,
        mentor_person_id=mentor.id,
        candidate_person_id=candidate.id,
        status="ended" if ended_on else "active",
        origin="hand",
        started_on=started_on,
        ended_on=ended_on,
    )
    session.add(pairing)
    session.flush()
    return pairing
