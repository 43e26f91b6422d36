"""Cohort rows: record a cohort file's calendar, link the Canvas course, find and list cohorts.

Functions take a session and never commit: the command or request that calls them does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ctom_lti.canvas import normalise_base_url
from ctom_lti.cohorts.calendar import session_rows, settings_json
from ctom_lti.cohorts.config import CohortConfig
from ctom_lti.cohorts.errors import CohortNotFound
from ctom_lti.cohorts.tenancy import describe_registration
from ctom_lti.models import Cohort, CohortSession, Membership, Platform


def record_cohort(
    session: Session, platform: Platform, config: CohortConfig, *, canvas_url: str
) -> Cohort:
    """Create or update the cohort of ``config`` within ``platform`` and store its calendar.

    A cohort is found again by its SIS course id within its own registration only; a cohort of
    another registration with the same SIS id or Canvas course id is never touched.
    """
    cohort = session.scalar(
        select(Cohort)
        .where(Cohort.platform_id == platform.id, Cohort.sis_course_id == config.sis_course_id)
        .options(selectinload(Cohort.sessions))
    )
    if cohort is None:
        cohort = Cohort(platform_id=platform.id, sis_course_id=config.sis_course_id)
        session.add(cohort)
    cohort.canvas_url = normalise_base_url(canvas_url)
    # The cohort file names the cohort; it wins over the Canvas course name from launches.
    cohort.title = config.name
    cohort.label = config.course_code
    cohort.number = config.number
    cohort.time_zone = config.time_zone
    cohort.term_start = config.term_start
    cohort.term_end = config.term_end
    cohort.settings = settings_json(config)
    _replace_sessions(cohort, session_rows(config))
    session.flush()
    return cohort


def _replace_sessions(cohort: Cohort, wanted: list[CohortSession]) -> None:
    """Update the session rows in place (by number): the unique (cohort, number) pair would
    refuse a new row inserted before the old one is gone."""
    have = {row.number: row for row in cohort.sessions}
    for new in wanted:
        row = have.pop(new.number, None)
        if row is None:
            cohort.sessions.append(new)
            continue
        for column in ("key", "title", "format", "date", "start", "location", "region"):
            setattr(row, column, getattr(new, column))
    for gone in have.values():
        cohort.sessions.remove(gone)


#: What a cohort file sets on a cohort (besides its sessions).
_FROM_FILE = (
    "canvas_url",
    "title",
    "label",
    "number",
    "time_zone",
    "term_start",
    "term_end",
    "settings",
)


def link_canvas_course(session: Session, cohort: Cohort, canvas_course_id: int | str) -> Cohort:
    """Record the Canvas course the cohort lives in (found or made by sync); the cohort to use.

    A launch from that course (``$Canvas.course.id``) through the same registration then finds
    this cohort rather than making another. When people launched from the course before its
    cohort file was recorded, their cohort takes the file's calendar and this row goes: the
    returned cohort is the one that remains.
    """
    course_id = str(canvas_course_id)
    launched = session.scalar(
        select(Cohort).where(
            Cohort.platform_id == cohort.platform_id,
            Cohort.canvas_course_id == course_id,
            Cohort.sis_course_id.is_(None),
            Cohort.id != cohort.id,
        )
    )
    if launched is None or cohort.context_id is not None:
        cohort.canvas_course_id = course_id
        session.flush()
        return cohort
    sis_course_id = cohort.sis_course_id
    cohort.sis_course_id = None  # free the (registration, SIS id) pair first
    session.flush()
    launched.sis_course_id = sis_course_id
    for column in _FROM_FILE:
        setattr(launched, column, getattr(cohort, column))
    session.execute(
        update(CohortSession)
        .where(CohortSession.cohort_id == cohort.id)
        .values(cohort_id=launched.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.expire(cohort, ["sessions"])
    session.expire(launched, ["sessions"])
    session.delete(cohort)
    session.flush()
    return launched


def find_cohort(session: Session, sis_course_id: str) -> Cohort:
    """The cohort with ``sis_course_id`` (the ``sis_course_id`` of its cohort file).

    :raises CohortNotFound: no cohort has it, or cohorts of several registrations do.
    """
    found = session.scalars(
        select(Cohort).where(Cohort.sis_course_id == sis_course_id).order_by(Cohort.id)
    ).all()
    if not found:
        raise CohortNotFound(
            f"No cohort has the SIS course id {sis_course_id!r}.",
            hint="See `ctom-lti cohort list`; a cohort appears once its file was imported "
            "(`ctom-lti cohort import FILE`) or synced.",
        )
    if len(found) > 1:
        raise CohortNotFound(
            f"Cohorts of {len(found)} registrations have the SIS course id {sis_course_id!r}.",
            hint="Give the cohort a SIS course id of its own in its cohort file.",
        )
    return found[0]


@dataclass(frozen=True)
class CohortSummary:
    """One line of ``ctom-lti cohort list``."""

    id: int
    sis_course_id: str | None
    title: str
    registration: str
    canvas_course_url: str | None
    term_start: date | None
    term_end: date | None
    sessions: int
    active_people: int
    roster_refreshed_at: datetime | None


def list_cohorts(session: Session) -> list[CohortSummary]:
    people = (
        select(Membership.cohort_id, func.count(func.distinct(Membership.person_id)).label("n"))
        .where(Membership.status == "active")
        .group_by(Membership.cohort_id)
        .subquery()
    )
    rows = session.execute(
        select(Cohort, people.c.n)
        .outerjoin(people, people.c.cohort_id == Cohort.id)
        .options(selectinload(Cohort.sessions), selectinload(Cohort.platform))
        .order_by(Cohort.id)
    ).all()
    summaries = []
    for cohort, active in rows:
        canvas_url = cohort.canvas_url or cohort.platform.canvas_url
        course_url = (
            f"{normalise_base_url(canvas_url)}/courses/{cohort.canvas_course_id}"
            if canvas_url and cohort.canvas_course_id
            else None
        )
        summaries.append(
            CohortSummary(
                id=cohort.id,
                sis_course_id=cohort.sis_course_id,
                title=cohort.title,
                registration=describe_registration(cohort.platform),
                canvas_course_url=course_url,
                term_start=cohort.term_start,
                term_end=cohort.term_end,
                sessions=len(cohort.sessions),
                active_people=active or 0,
                roster_refreshed_at=cohort.roster_refreshed_at,
            )
        )
    return summaries
