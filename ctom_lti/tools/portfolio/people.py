"""Who a portfolio belongs to and who may look at it, read from the cohort's memberships and
the active pairings (through ``ctom_lti.cohorts.mentorship``; pairing is another feature)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cohorts.mentorship import active_mentors_of, mentees_of
from ctom_lti.errors import Forbidden, NotFound
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Membership, Person, Role
from ctom_lti.tools.portfolio.rules import Access, access_to


def display_name(person: Person | None) -> str:
    if person is None:
        return "Someone"
    return person.name or person.email or f"Person {person.id}"


def is_candidate(session: Session, cohort_id: int, person_id: int) -> bool:
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.cohort_id == cohort_id,
                Membership.person_id == person_id,
                Membership.role == Role.CANDIDATE.value,
                Membership.status == "active",
            )
        )
        is not None
    )


def candidates(session: Session, cohort_id: int) -> list[Person]:
    """The cohort's active candidates, by name."""
    people = session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.CANDIDATE.value,
            Membership.status == "active",
        )
        .distinct()
    ).all()
    return sorted(people, key=lambda p: display_name(p).lower())


def visible_candidates(session: Session, launch: SessionLaunch) -> list[Person]:
    """The candidates whose portfolios the viewer may read: staff all, a mentor their mentees,
    a candidate themself."""
    everyone = candidates(session, launch.cohort_id)
    if launch.has_any(Role.INSTRUCTOR, Role.ADMIN):
        return everyone
    allowed: set[int] = set()
    if launch.has_any(Role.MENTOR):
        allowed |= mentees_of(session, launch.cohort_id, launch.person_id)
    if launch.has_any(Role.CANDIDATE):
        allowed.add(launch.person_id)
    return [p for p in everyone if p.id in allowed]


def access(session: Session, launch: SessionLaunch, candidate_id: int) -> Access:
    """The viewer's access to a candidate's portfolio in the launch's cohort."""
    if not is_candidate(session, launch.cohort_id, candidate_id):
        return Access()
    mentors = active_mentors_of(session, launch.cohort_id, candidate_id)
    return access_to(launch.person_id, launch.roles, candidate_id, mentors)


def require(session: Session, launch: SessionLaunch, candidate_id: int, need: str) -> Access:
    """The viewer's access, or the 404/403 they should see.

    :param need: ``read``, ``edit``, ``comment`` or ``sign_off``.
    :raises NotFound: the viewer may not read this portfolio (or there is none): a guessed
        address tells nothing about whether the candidate exists.
    :raises Forbidden: they may read it but not do this.
    """
    granted = access(session, launch, candidate_id)
    if not granted.read:
        raise NotFound("There is no portfolio here that you can open.")
    if not getattr(granted, need):
        raise Forbidden("You can read this portfolio but not do that.")
    return granted
