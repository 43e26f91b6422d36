"""The people pairing works with: found by email in the cohort's roster, or added as pending,
and their programme profile (district, years, expertise), which pairing extends.

Features do not import each other, so the programme profile is reached through its table here,
by name, and only the columns pairing shares with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    String,
    Text,
    func,
    insert,
    select,
    table,
    update,
)
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import Cohort, Membership, Person

#: The programme profile's table (owned by the profile feature), for the columns pairing uses.
programme_profile = table(
    "programme_profile",
    Column("id", Integer),
    Column("person_id", Integer),
    Column("district", String(200)),
    Column("job_title", String(200)),
    Column("years_in_leadership", Integer),
    Column("expertise", JSON),
    Column("bio", Text),
    Column("version", Integer),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
)

#: ``Person.sub`` prefix of people imported before they ever launched the tool.
PENDING_SUB = "pending:"
PENDING = "pending"


@dataclass(frozen=True)
class BaseProfile:
    """The programme profile's share of a person's pairing facts."""

    organisation: str | None
    years: int | None
    expertise: frozenset[str]


def find_by_email(session: Session, cohort: Cohort, email: str) -> Person | None:
    """The person with ``email`` in the cohort's registration, preferring one who launched."""
    found = session.scalars(
        select(Person)
        .where(Person.platform_id == cohort.platform_id, func.lower(Person.email) == email)
        .order_by(Person.sub.startswith(PENDING_SUB), Person.id)
    ).first()
    return found


def person_for(session: Session, cohort: Cohort, email: str, name: str, role: str) -> Person:
    """The person with ``email``, made pending when the roster does not know them yet, with a
    membership of ``role`` in the cohort (pending until they launch)."""
    person = find_by_email(session, cohort, email)
    if person is None:
        person = Person(
            platform_id=cohort.platform_id, sub=PENDING_SUB + email, email=email, name=name or None
        )
        session.add(person)
        session.flush()
    elif person.sub.startswith(PENDING_SUB) and name and person.name != name:
        person.name = name
    member = session.scalar(
        select(Membership).where(
            Membership.person_id == person.id,
            Membership.cohort_id == cohort.id,
            Membership.role == role,
        )
    )
    if member is None:
        session.add(Membership(person_id=person.id, cohort_id=cohort.id, role=role, status=PENDING))
        session.flush()
    return person


def base_profiles(session: Session, person_ids: list[int]) -> dict[int, BaseProfile]:
    if not person_ids:
        return {}
    rows = session.execute(
        select(
            programme_profile.c.person_id,
            programme_profile.c.district,
            programme_profile.c.years_in_leadership,
            programme_profile.c.expertise,
        ).where(programme_profile.c.person_id.in_(person_ids))
    ).all()
    return {
        row.person_id: BaseProfile(
            row.district or None, row.years_in_leadership, frozenset(row.expertise or ())
        )
        for row in rows
    }


def save_base_profile(
    session: Session,
    person_id: int,
    *,
    organisation: str,
    years: int | None,
    expertise: tuple[str, ...] | None,
) -> bool:
    """Bring the programme profile in line with an import row; True when something changed.

    Cells left empty keep what the person wrote; the job title stays theirs to fill in.
    """
    row = session.execute(
        select(
            programme_profile.c.district,
            programme_profile.c.years_in_leadership,
            programme_profile.c.expertise,
        ).where(programme_profile.c.person_id == person_id)
    ).first()
    now = utcnow()
    if row is None:
        session.execute(
            insert(programme_profile).values(
                person_id=person_id,
                district=organisation,
                job_title="",
                years_in_leadership=years or 0,
                expertise=list(expertise or ()),
                bio="",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        return True
    wanted = {
        "district": organisation or row.district,
        "years_in_leadership": row.years_in_leadership if years is None else years,
        "expertise": list(row.expertise or ()) if expertise is None else list(expertise),
    }
    if (
        wanted["district"] == row.district
        and wanted["years_in_leadership"] == row.years_in_leadership
        and wanted["expertise"] == list(row.expertise or ())
    ):
        return False
    session.execute(
        update(programme_profile)
        .where(programme_profile.c.person_id == person_id)
        .values(**wanted, version=programme_profile.c.version + 1, updated_at=now)
    )
    return True


def display_name(person: Person) -> str:
    return person.name or person.email or f"Person {person.id}"
