"""Who mentors whom in a cohort, for features other than pairing.

The pairing feature keeps the pairings (table ``pairing``) and is their authority; features never
import each other, so the ones that need "who is this candidate's mentor" (reports, portfolio)
ask here. The table is named, not imported: a lightweight Core description of the columns other
features read (:data:`PAIRING_TABLE`), so this layer knows nothing of the pairing feature's
models. Only ``active`` pairings count as mentoring now; ``ended`` ones are history.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, column, exists, select, table
from sqlalchemy.orm import InstrumentedAttribute, Session

#: The pairing feature's table, as far as other features read it (reports read the history).
PAIRING_TABLE = table(
    "pairing",
    column("id"),
    column("cohort_id"),
    column("mentor_person_id"),
    column("candidate_person_id"),
    column("status"),
    column("started_on"),
    column("ended_on"),
)
_pairing = PAIRING_TABLE
ACTIVE = "active"
#: A person or cohort id in SQL: a column, a bound parameter or a plain number.
_IdExpression = ColumnElement[int] | InstrumentedAttribute[int] | int


def _active(cohort_id: int) -> ColumnElement[bool]:
    return and_(_pairing.c.cohort_id == cohort_id, _pairing.c.status == ACTIVE)


def mentees_of(session: Session, cohort_id: int, mentor_person_id: int) -> frozenset[int]:
    """Person ids of the candidates ``mentor_person_id`` actively mentors in the cohort."""
    rows = session.execute(
        select(_pairing.c.candidate_person_id).where(
            _active(cohort_id), _pairing.c.mentor_person_id == mentor_person_id
        )
    ).scalars()
    return frozenset(int(r) for r in rows)


def active_mentors_of(session: Session, cohort_id: int, candidate_person_id: int) -> frozenset[int]:
    """Person ids of the candidate's active mentors in the cohort (normally one)."""
    rows = session.execute(
        select(_pairing.c.mentor_person_id).where(
            _active(cohort_id), _pairing.c.candidate_person_id == candidate_person_id
        )
    ).scalars()
    return frozenset(int(r) for r in rows)


def mentors_candidate(
    cohort_id: _IdExpression,
    mentor_person_id: _IdExpression,
    candidate_person_id: _IdExpression,
) -> ColumnElement[bool]:
    """An SQL condition: the mentor actively mentors the candidate in the cohort (for use in
    a feature's own queries, e.g. a home-card fact)."""
    return exists().where(
        _pairing.c.cohort_id == cohort_id,
        _pairing.c.status == ACTIVE,
        _pairing.c.mentor_person_id == mentor_person_id,
        _pairing.c.candidate_person_id == candidate_person_id,
    )
