"""Reading and saving a mentor's or candidate's pairing profile, and verifying a mentor's evidence.

A save writes the pairing profile and the programme profile's shared columns (organisation,
years, position, expertise) together, each checked against the version the form was loaded
from, so an edit never silently overwrites someone else's. Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import AuditEvent, Membership, Person, Role
from ctom_lti.tools.pairing.facts import cohort_facts
from ctom_lti.tools.pairing.models import CandidateProfile, MentorProfile, Qualification
from ctom_lti.tools.pairing.people import programme_profile
from ctom_lti.tools.pairing.profile_forms import CandidateValues, MentorValues
from ctom_lti.tools.pairing.rules import QUALIFICATIONS, Eligibility, eligibility

Kind = Literal["mentor", "candidate"]


def kind_of(session: Session, cohort_id: int, person_id: int) -> Kind | None:
    """Whether the person takes part in the cohort's pairing as a mentor or a candidate."""
    roles = set(
        session.scalars(
            select(Membership.role).where(
                Membership.cohort_id == cohort_id,
                Membership.person_id == person_id,
                Membership.status.in_(("active", "pending")),
            )
        )
    )
    if Role.MENTOR.value in roles:
        return "mentor"
    if Role.CANDIDATE.value in roles:
        return "candidate"
    return None


def _base(session: Session, person_id: int) -> Any:
    return session.execute(
        select(programme_profile).where(programme_profile.c.person_id == person_id)
    ).first()


def form_data(session: Session, kind: Kind, person_id: int) -> dict[str, Any]:
    """What is stored, as the form's data (versions "0" where nothing is stored yet)."""
    base = _base(session, person_id)
    data: dict[str, Any] = {
        "organisation": base.district if base else "",
        "years": str(base.years_in_leadership) if base else "",
        "base_version": str(base.version) if base else "0",
        "version": "0",
        "region": "",
    }
    if kind == "mentor":
        mp = session.scalar(select(MentorProfile).where(MentorProfile.person_id == person_id))
        data |= {
            "position": base.job_title if base else "",
            "expertise": list(base.expertise or ()) if base else [],
            "capacity": str(mp.capacity) if mp else "1",
            "availability": mp.availability if mp else "",
        }
        if mp:
            data |= {"version": str(mp.version), "region": mp.region or ""}
        for q in session.scalars(select(Qualification).where(Qualification.person_id == person_id)):
            data[f"met_{q.key}"] = q.met
            data[f"evidence_{q.key}"] = q.evidence
        return data
    cp = session.scalar(select(CandidateProfile).where(CandidateProfile.person_id == person_id))
    if cp:
        data |= {
            "version": str(cp.version),
            "region": cp.region or "",
            "nominated": cp.nominated,
            "growth_areas": list(cp.growth_areas or ()),
            "preferred_mentors": [str(i) for i in cp.preferred_mentor_ids or ()],
            "conflicts": [str(i) for i in cp.conflict_ids or ()],
        }
    return data


def _save_base(session: Session, person_id: int, expected: int, fields: dict[str, Any]) -> bool:
    now = utcnow()
    if expected == 0:
        if _base(session, person_id) is not None:
            return False
        session.execute(
            insert(programme_profile).values(
                person_id=person_id,
                job_title=fields.pop("job_title", ""),
                expertise=fields.pop("expertise", []),
                bio="",
                version=1,
                created_at=now,
                updated_at=now,
                **fields,
            )
        )
        return True
    done = session.execute(
        update(programme_profile)
        .where(programme_profile.c.person_id == person_id, programme_profile.c.version == expected)
        .values(version=programme_profile.c.version + 1, updated_at=now, **fields)
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def _save_row(
    session: Session,
    model: type[MentorProfile] | type[CandidateProfile],
    person_id: int,
    expected: int,
    fields: dict[str, Any],
) -> bool:
    now = utcnow()
    if expected == 0:
        if session.scalar(select(model.id).where(model.person_id == person_id)) is not None:
            return False
        session.add(model(person_id=person_id, version=1, created_at=now, updated_at=now, **fields))
        session.flush()
        return True
    done = session.execute(
        update(model)
        .where(model.person_id == person_id, model.version == expected)
        .values(version=model.version + 1, updated_at=now, **fields)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def save_mentor(
    session: Session, person_id: int, values: MentorValues, expected: tuple[int, int]
) -> bool:
    """Save a mentor's profile; False (the caller rolls back) when someone saved first."""
    base_ok = _save_base(
        session,
        person_id,
        expected[1],
        {
            "district": values.organisation,
            "years_in_leadership": values.years,
            "job_title": values.position,
            "expertise": list(values.expertise),
        },
    )
    row_ok = _save_row(
        session,
        MentorProfile,
        person_id,
        expected[0],
        {"region": values.region, "capacity": values.capacity, "availability": values.availability},
    )
    if not (base_ok and row_ok):
        return False
    stored = {
        q.key: q
        for q in session.scalars(select(Qualification).where(Qualification.person_id == person_id))
    }
    for key in QUALIFICATIONS:
        met, evidence = values.qualifications[key]
        q = stored.get(key)
        if q is None:
            session.add(Qualification(person_id=person_id, key=key, met=met, evidence=evidence))
        elif (q.met, q.evidence) != (met, evidence):
            # Changed evidence has not been verified by anyone yet.
            q.met, q.evidence = met, evidence
            q.verified_by_person_id, q.verified_at = None, None
    session.flush()
    return True


def save_candidate(
    session: Session,
    cohort_id: int,
    person_id: int,
    values: CandidateValues,
    expected: tuple[int, int],
) -> bool:
    """Save a candidate's profile; False (the caller rolls back) when someone saved first.

    Preferred mentors and conflicts are kept only when they are the cohort's mentors and people.
    """
    offered = choices(session, cohort_id, person_id)
    mentors = {int(value) for value, _ in offered["mentors"]}
    people = {int(value) for value, _ in offered["people"]}
    base_ok = _save_base(
        session,
        person_id,
        expected[1],
        {"district": values.organisation, "years_in_leadership": values.years},
    )
    row_ok = _save_row(
        session,
        CandidateProfile,
        person_id,
        expected[0],
        {
            "region": values.region,
            "nominated": values.nominated,
            "growth_areas": list(values.growth_areas),
            "preferred_mentor_ids": [i for i in values.preferred_mentor_ids if i in mentors],
            "conflict_ids": [i for i in values.conflict_ids if i in people],
        },
    )
    return base_ok and row_ok


def mentor_eligibility(session: Session, cohort_id: int, person_id: int) -> Eligibility | None:
    facts = cohort_facts(session, cohort_id).mentor(person_id)
    return eligibility(facts) if facts else None


def choices(session: Session, cohort_id: int, person_id: int) -> dict[str, list[tuple[str, str]]]:
    """The people a candidate may name: the cohort's mentors, and anyone else in it."""
    facts = cohort_facts(session, cohort_id)

    def label(p: Person) -> str:
        return p.name or p.email or f"Person {p.id}"

    mentors = [(str(m.person_id), label(facts.people[m.person_id])) for m in facts.mentors]
    everyone = [(str(p.id), label(p)) for p in facts.people.values() if p.id != person_id]
    return {"mentors": mentors, "people": everyone}


@dataclass(frozen=True)
class Verification:
    by: str
    at: datetime


def verify_evidence(session: Session, cohort_id: int, mentor_id: int, actor_id: int) -> int:
    """Record that an admin checked the mentor's evidence; how many qualifications it covers."""
    now = utcnow()
    met = list(
        session.scalars(
            select(Qualification).where(
                Qualification.person_id == mentor_id, Qualification.met.is_(True)
            )
        )
    )
    for q in met:
        q.verified_by_person_id, q.verified_at = actor_id, now
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action="pairing.evidence_verified",
            subject=f"person:{mentor_id}",
            detail={"cohort_id": cohort_id, "qualifications": sorted(q.key for q in met)},
        )
    )
    session.flush()
    return len(met)


def verifications(session: Session, mentor_ids: list[int]) -> dict[int, Verification]:
    """The latest verification of each mentor's evidence, by whom and when."""
    rows = session.execute(
        select(Qualification.person_id, Qualification.verified_at, Person)
        .join(Person, Person.id == Qualification.verified_by_person_id)
        .where(Qualification.person_id.in_(mentor_ids), Qualification.verified_at.is_not(None))
        .order_by(Qualification.verified_at)
    ).all()
    return {
        pid: Verification(p.name or p.email or f"Person {p.id}", at) for pid, at, p in rows if at
    }
