"""Arranging the staff report pages: a launched cohort whose calendar runs around today, mentors
and candidates paired in the database, and report rows made by the schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.db import session_scope, utcnow
from ctom_lti.models import Cohort, Person, Role
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.service import sync_schedule
from tests.factories import make_membership, make_person
from tests.integration.tools.reports.support import make_pairing
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed


def launch(lti: LaunchActions, role: str, sub: str, context_id: str | None = None) -> int:
    """Launch as ``role``; the cohort id the tool landed on."""
    kwargs: dict[str, Any] = {"context_id": context_id} if context_id else {}
    location = landed(lti.launch(role, sub=sub, **kwargs))
    found = re.search(r"/c/(\d+)/", str(location))
    assert found, location
    return int(found.group(1))


def today_utc() -> date:
    return utcnow().date()


@dataclass
class Arranged:
    cohort_id: int
    mentors: list[int] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)


def arrange(
    app: Flask,
    cohort_id: int,
    *,
    candidates: int,
    mentors: int = 2,
    months_back: int = 3,
    names: tuple[str, ...] = (),
) -> Arranged:
    """People paired since the term began ``months_back`` months ago; rows made up to today."""
    today = today_utc()
    start = date(today.year, today.month, 1)
    for _ in range(months_back):
        start = (start - timedelta(days=1)).replace(day=1)
    made = Arranged(cohort_id)
    with session_scope(app) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        cohort.time_zone, cohort.term_start = "UTC", start
        cohort.term_end = today + timedelta(days=240)
        mentor_rows = [
            _member(session, cohort, Role.MENTOR, f"Mentor {chr(65 + n)}") for n in range(mentors)
        ]
        for n in range(candidates):
            name = names[n] if n < len(names) else f"Candidate {n:03d}"
            candidate = _member(session, cohort, Role.CANDIDATE, name)
            mentor = mentor_rows[n % mentors]
            make_pairing(session, cohort, mentor, candidate, started_on=start)
            made.candidates.append(candidate.id)
        made.mentors = [m.id for m in mentor_rows]
        sync_schedule(session, cohort_id, default_due_day=5, now=utcnow())
    return made


def _member(session: Session, cohort: Cohort, role: Role, name: str) -> Person:
    person = make_person(session, cohort.platform_id, name=name)
    make_membership(session, cohort, role, person)
    return person


def reports_of(session: Session, candidate_id: int) -> list[ProgressReport]:
    return list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.candidate_person_id == candidate_id)
            .order_by(ProgressReport.month)
        )
    )


def set_status(app: Flask, candidate_id: int, statuses: list[str]) -> None:
    """The candidate's reports, oldest month first, get these statuses."""
    with session_scope(app) as session:
        for row, status in zip(reports_of(session, candidate_id), statuses, strict=False):
            row.status = status
