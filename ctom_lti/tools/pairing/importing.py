"""Importing mentors and candidates from the pairing CSV: good rows are stored, bad rows are
reported by line; importing the same file again changes nothing. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.models import AuditEvent, Cohort
from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.models import CandidateProfile, MentorProfile, Qualification
from ctom_lti.tools.pairing.people import find_by_email, person_for, save_base_profile
from ctom_lti.tools.pairing.rows import ImportRow, RowProblem, parse_import
from ctom_lti.tools.pairing.rules import QUALIFICATIONS


@dataclass(frozen=True)
class ImportResult:
    imported: int
    changed: int
    problems: tuple[RowProblem, ...]
    file_problem: str | None = None

    @property
    def summary(self) -> str:
        if self.file_problem:
            return self.file_problem
        text = (
            f"{self.imported} rows read, {self.changed} people added or changed, "
            f"{len(self.problems)} rows left out."
        )
        return text


def import_people(
    session: Session, cohort: Cohort, text: str, *, actor_id: int | None = None
) -> ImportResult:
    """Store the good rows of the import file ``text`` for ``cohort``."""
    keys = [p.key for p in load_curriculum().principles]
    parsed = parse_import(text, keys)
    if parsed.file_problem:
        return ImportResult(0, 0, (), parsed.file_problem)
    in_file = {row.email for row in parsed.rows}
    problems = list(parsed.problems)
    good: list[ImportRow] = []
    for row in parsed.rows:
        unknown = [
            e
            for e in row.conflicts
            if e not in in_file and find_by_email(session, cohort, e) is None
        ]
        if unknown:
            problems.append(
                RowProblem(
                    row.line,
                    row.email,
                    (f"conflicts names no one in this file or the roster: {', '.join(unknown)}",),
                )
            )
        else:
            good.append(row)
    people = {row.email: person_for(session, cohort, row.email, row.name, row.role) for row in good}
    changed = 0
    for row in good:
        person_id = people[row.email].id
        touched = save_base_profile(
            session,
            person_id,
            organisation=row.organisation,
            years=row.years,
            expertise=row.expertise if row.role == "mentor" else None,
        )
        if row.role == "mentor":
            touched = _save_mentor(session, person_id, row) or touched
        else:
            conflict_ids = [
                people[e].id if e in people else _id_of(session, cohort, e) for e in row.conflicts
            ]
            touched = _save_candidate(session, person_id, row, conflict_ids) or touched
        changed += touched
    problems.sort(key=lambda p: p.line)
    adopt_launched(session, cohort.id)
    if changed:
        session.add(
            AuditEvent(
                actor_person_id=actor_id,
                action="pairing.import",
                subject=f"cohort:{cohort.id}",
                detail={"rows": len(good), "changed": changed, "left_out": len(problems)},
            )
        )
    session.flush()
    return ImportResult(len(good), changed, tuple(problems))


def _id_of(session: Session, cohort: Cohort, email: str) -> int:
    person = find_by_email(session, cohort, email)
    assert person is not None  # checked before anything was written
    return person.id


def _save_mentor(session: Session, person_id: int, row: ImportRow) -> bool:
    profile = session.scalar(select(MentorProfile).where(MentorProfile.person_id == person_id))
    changed = False
    if profile is None:
        session.add(MentorProfile(person_id=person_id, region=row.region, capacity=row.capacity))
        changed = True
    elif (profile.region, profile.capacity) != (row.region, row.capacity):
        profile.region, profile.capacity = row.region, row.capacity
        profile.version += 1
        profile.updated_at = utcnow()
        changed = True
    have = {
        q.key: q
        for q in session.scalars(select(Qualification).where(Qualification.person_id == person_id))
    }
    for key in QUALIFICATIONS:
        met = key in row.qualifications
        found = have.get(key)
        if found is None:
            if met:
                session.add(Qualification(person_id=person_id, key=key, met=True))
                changed = True
        elif found.met != met:
            found.met = met
            # A claim that changed is no longer the one that was verified.
            found.verified_at = None
            found.verified_by_person_id = None
            changed = True
    return changed


def _save_candidate(
    session: Session, person_id: int, row: ImportRow, conflict_ids: list[int]
) -> bool:
    profile = session.scalar(
        select(CandidateProfile).where(CandidateProfile.person_id == person_id)
    )
    wanted = (row.region, list(row.growth_areas), sorted(conflict_ids))
    if profile is None:
        session.add(
            CandidateProfile(
                person_id=person_id,
                region=row.region,
                growth_areas=wanted[1],
                conflict_ids=wanted[2],
                preferred_mentor_ids=[],
            )
        )
        return True
    if (profile.region, list(profile.growth_areas), sorted(profile.conflict_ids)) == wanted:
        return False
    profile.region, profile.growth_areas, profile.conflict_ids = wanted
    profile.version += 1
    profile.updated_at = utcnow()
    return True
