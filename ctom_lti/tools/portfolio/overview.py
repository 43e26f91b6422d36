"""What the portfolio's overview pages show: a candidate's coverage map, the list of
portfolios a reviewer may open (with what changed since their last visit), and the cohort's
heat map for instructors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Person
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection, Visit
from ctom_lti.tools.portfolio.people import display_name, visible_candidates
from ctom_lti.tools.portfolio.rules import Coverage, changed_since, coverage


def evidence_counts(session: Session, cohort_id: int, candidate_id: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for keys in session.scalars(
        select(Artifact.principle_keys).where(
            Artifact.cohort_id == cohort_id, Artifact.candidate_person_id == candidate_id
        )
    ):
        counts.update(set(keys or ()))
    return counts


def last_visit(
    session: Session, viewer_id: int, cohort_id: int, candidate_id: int
) -> datetime | None:
    return session.scalar(
        select(Visit.seen_at).where(
            Visit.person_id == viewer_id,
            Visit.cohort_id == cohort_id,
            Visit.candidate_person_id == candidate_id,
        )
    )


def record_visit(session: Session, viewer_id: int, cohort_id: int, candidate_id: int) -> None:
    """Remember that the viewer has now seen the candidate's portfolio as it is."""
    values = {
        "person_id": viewer_id,
        "cohort_id": cohort_id,
        "candidate_person_id": candidate_id,
        "seen_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Visit).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["person_id", "cohort_id", "candidate_person_id"],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )


def _updates(session: Session, cohort_id: int, candidate_id: int) -> list[tuple[str, datetime]]:
    return [
        (key, at)
        for key, at in session.execute(
            select(Reflection.principle_key, Reflection.updated_at).where(
                Reflection.cohort_id == cohort_id, Reflection.candidate_person_id == candidate_id
            )
        )
    ]


def candidate_coverage(
    session: Session, cohort_id: int, candidate_id: int, since: datetime | None = None
) -> Coverage:
    """The candidate's coverage map; with ``since``, principles changed after it are marked."""
    updates = _updates(session, cohort_id, candidate_id)
    changed = changed_since(since, updates) if since is not None else frozenset()
    statuses = dict(
        session.execute(
            select(Reflection.principle_key, Reflection.status).where(
                Reflection.cohort_id == cohort_id, Reflection.candidate_person_id == candidate_id
            )
        ).all()
    )
    return coverage(
        load_curriculum(), statuses, evidence_counts(session, cohort_id, candidate_id), changed
    )


@dataclass(frozen=True)
class PortfolioRow:
    """One candidate's portfolio in a reviewer's list or the heat map."""

    person_id: int
    name: str
    statuses: dict[str, str]
    signed_off: int
    shared: int
    #: Principles changed since the viewer last opened this portfolio.
    changed: int
    new_comments: int
    last_seen: datetime | None


def portfolio_rows(session: Session, launch: SessionLaunch) -> list[PortfolioRow]:
    """Every portfolio the viewer may review, with its statuses and what is new to them.

    A fixed number of queries whatever the cohort's size.
    """
    people: Sequence[Person] = visible_candidates(session, launch)
    ids = [p.id for p in people if p.id != launch.person_id]
    if not ids:
        return []
    cohort_id = launch.cohort_id
    seen = dict(
        session.execute(
            select(Visit.candidate_person_id, Visit.seen_at).where(
                Visit.person_id == launch.person_id,
                Visit.cohort_id == cohort_id,
                Visit.candidate_person_id.in_(ids),
            )
        ).all()
    )
    statuses: dict[int, dict[str, str]] = {i: {} for i in ids}
    changed: Counter[int] = Counter()
    for candidate, key, status, at in session.execute(
        select(
            Reflection.candidate_person_id,
            Reflection.principle_key,
            Reflection.status,
            Reflection.updated_at,
        ).where(Reflection.cohort_id == cohort_id, Reflection.candidate_person_id.in_(ids))
    ):
        statuses[candidate][key] = status
        last = seen.get(candidate)
        if last is None or at > last:
            changed[candidate] += 1
    comments: Counter[int] = Counter()
    for candidate, at, author in session.execute(
        select(Comment.candidate_person_id, Comment.created_at, Comment.author_person_id).where(
            Comment.cohort_id == cohort_id, Comment.candidate_person_id.in_(ids)
        )
    ):
        last = seen.get(candidate)
        if author != launch.person_id and (last is None or at > last):
            comments[candidate] += 1
    return [
        PortfolioRow(
            p.id,
            display_name(p),
            statuses[p.id],
            sum(1 for s in statuses[p.id].values() if s == "signed_off"),
            sum(1 for s in statuses[p.id].values() if s == "shared"),
            changed[p.id],
            comments[p.id],
            seen.get(p.id),
        )
        for p in people
        if p.id in statuses
    ]
