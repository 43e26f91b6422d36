"""Writing to the outbox and reading it for people: services that take a session, never commit.

Features call :func:`enqueue_pass_fail` in the transaction that records their decision; the row
commits (or rolls back) with it. A worker, or the attempt made right after the request, posts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.grades.models import GradePost
from ctom_lti.grades.rules import SUPERSEDABLE, ColumnSpec, PostState
from ctom_lti.models import Person

#: Where the ids of rows enqueued in a session wait for its commit (see ``soon.py``).
ENQUEUED_KEY = "ctom.grades.enqueued"


def enqueue_pass_fail(
    session: Session,
    *,
    cohort_id: int,
    column: ColumnSpec,
    person_id: int,
    passed: bool,
    source: str,
) -> GradePost:
    """Add a pass/fail score for ``person_id`` in ``column`` to the outbox (not committed).

    Unsent older rows for the same (cohort, column tag, person) are marked superseded: the
    latest decision wins. A row already being sent is left to finish; this one is posted after
    it, so Canvas ends with this decision.

    :param source: what decided it, for people reading the dashboard (``report:2026-09``).
    """
    session.execute(
        update(GradePost)
        .where(
            GradePost.cohort_id == cohort_id,
            GradePost.column_tag == column.tag,
            GradePost.person_id == person_id,
            GradePost.state.in_([s.value for s in SUPERSEDABLE]),
        )
        .values(state=PostState.SUPERSEDED.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    post = GradePost(
        cohort_id=cohort_id,
        column_tag=column.tag,
        column_label=column.label,
        score_maximum=column.score_maximum,
        person_id=person_id,
        passed=passed,
        source=source[:255],
        state=PostState.PENDING.value,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(post)
    session.flush()
    session.info.setdefault(ENQUEUED_KEY, []).append(post.id)
    return post


@dataclass(frozen=True)
class PostView:
    """One outbox row as a dashboard shows it."""

    id: int
    person_id: int
    person_name: str
    column_tag: str
    column_label: str
    passed: bool
    source: str
    state: PostState
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    updated_at: datetime


def _views(session: Session, cohort_id: int, states: frozenset[PostState]) -> list[PostView]:
    name = func.coalesce(Person.name, Person.email, Person.sub)
    rows = session.execute(
        select(GradePost, name.label("name"))
        .join(Person, Person.id == GradePost.person_id)
        .where(
            GradePost.cohort_id == cohort_id,
            GradePost.state.in_([s.value for s in states]),
        )
        .order_by(
            case((GradePost.state == PostState.FAILED.value, 0), else_=1), GradePost.id.desc()
        )
    ).all()
    return [
        PostView(
            id=post.id,
            person_id=post.person_id,
            person_name=str(person_name),
            column_tag=post.column_tag,
            column_label=post.column_label,
            passed=post.passed,
            source=post.source,
            state=PostState(post.state),
            attempts=post.attempts,
            last_error=post.last_error,
            next_attempt_at=post.next_attempt_at,
            updated_at=post.updated_at,
        )
        for post, person_name in rows
    ]


def failed_posts(session: Session, cohort_id: int) -> list[PostView]:
    """The cohort's posts that need a person (newest first), for dashboards."""
    return _views(session, cohort_id, frozenset({PostState.FAILED}))


def open_posts(session: Session, cohort_id: int) -> list[PostView]:
    """The cohort's posts not yet in Canvas: failed first, then pending and being sent."""
    return _views(
        session, cohort_id, frozenset({PostState.FAILED, PostState.PENDING, PostState.SENDING})
    )


def state_counts(session: Session, cohort_id: int) -> dict[PostState, int]:
    """How many of the cohort's posts are in each state."""
    rows = session.execute(
        select(GradePost.state, func.count())
        .where(GradePost.cohort_id == cohort_id)
        .group_by(GradePost.state)
    ).all()
    counts = dict.fromkeys(PostState, 0)
    for state, count in rows:
        counts[PostState(state)] = int(count)
    return counts


def retry_failed(session: Session, cohort_id: int, post_id: int | None = None) -> list[int]:
    """Put the cohort's failed posts (or only ``post_id``) back in line for the next attempt.

    :returns: the ids put back (empty when none was failed, e.g. a second click).
    """
    query = select(GradePost.id).where(
        GradePost.cohort_id == cohort_id, GradePost.state == PostState.FAILED.value
    )
    if post_id is not None:
        query = query.where(GradePost.id == post_id)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(GradePost)
            .where(GradePost.id.in_(ids), GradePost.state == PostState.FAILED.value)
            .values(
                state=PostState.PENDING.value,
                attempts=0,
                next_attempt_at=utcnow(),
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        session.info.setdefault(ENQUEUED_KEY, []).extend(ids)
    return ids
