"""Claiming outbox rows for one worker, and recording what became of them.

A claim is one ``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``:
on PostgreSQL several workers claim side by side without waiting for or taking each other's
rows; on SQLite the statement runs under the database's single write lock. A claimed row is
``sending`` with a lease; a worker that dies leaves it so, and once the lease has run out another
worker claims it again, marked ``maybe_landed`` so that it reads Canvas before posting.

Each claim carries a fresh token, and only the holder of the token records the outcome, so a
worker whose lease ran out cannot overwrite what the worker that recovered its row found.

A delivery may outlast one lease (slow Canvas, quick retries): the holder renews the lease before
every step that calls Canvas (:func:`renew`), and stops when the renewal finds the row taken
over, so no two workers post the same row. The lease need only outlast one step.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from ctom_lti.grades.models import GradePost
from ctom_lti.grades.rules import PostState


@dataclass(frozen=True)
class Claimed:
    """A row this worker holds until ``lease_until``."""

    id: int
    cohort_id: int
    column_tag: str
    column_label: str
    score_maximum: float
    person_id: int
    passed: bool
    attempts: int
    score_timestamp: datetime
    maybe_landed: bool
    token: str


def _due_ids(now: datetime, limit: int, only: Collection[int] | None, lock: bool) -> Any:
    """The ids of the rows to claim (oldest first), as a subquery of the claiming UPDATE."""
    row = aliased(GradePost, name="candidate")
    older = aliased(GradePost, name="older")
    # A newer decision waits while an older one for the same person and column is in flight,
    # so the two land in Canvas in the order they were decided.
    older_in_flight = exists().where(
        older.cohort_id == row.cohort_id,
        older.column_tag == row.column_tag,
        older.person_id == row.person_id,
        older.id < row.id,
        older.state == PostState.SENDING.value,
        older.lease_until >= now,
    )
    wanted = select(row.id).where(
        or_(
            and_(row.state == PostState.PENDING.value, row.next_attempt_at <= now),
            and_(row.state == PostState.SENDING.value, row.lease_until < now),
        ),
        ~older_in_flight,
    )
    if only is not None:
        wanted = wanted.where(row.id.in_(list(only)))
    wanted = wanted.order_by(row.id).limit(limit)
    if lock:
        wanted = wanted.with_for_update(of=row, skip_locked=True)
    return wanted.scalar_subquery()


def claim(
    engine: Engine,
    *,
    limit: int,
    lease: timedelta,
    now: datetime,
    only: Collection[int] | None = None,
) -> list[Claimed]:
    """Claim up to ``limit`` due rows (oldest first), or only those of ``only`` that are due."""
    wanted = _due_ids(now, limit, only, lock=engine.dialect.name == "postgresql")
    token = uuid.uuid4().hex
    statement = (
        update(GradePost)
        .where(GradePost.id.in_(wanted))
        .values(
            state=PostState.SENDING.value,
            attempts=GradePost.attempts + 1,
            lease_until=now + lease,
            claim_token=token,
            score_timestamp=func.coalesce(GradePost.score_timestamp, now),
            # Recovering a row a worker left: its post may be in Canvas already.
            maybe_landed=or_(GradePost.maybe_landed, GradePost.state == PostState.SENDING.value),
            updated_at=now,
        )
        .returning(
            GradePost.id,
            GradePost.cohort_id,
            GradePost.column_tag,
            GradePost.column_label,
            GradePost.score_maximum,
            GradePost.person_id,
            GradePost.passed,
            GradePost.attempts,
            GradePost.score_timestamp,
            GradePost.maybe_landed,
        )
        .execution_options(synchronize_session=False)
    )
    with engine.begin() as conn:
        rows = conn.execute(statement).all()
    return sorted(
        (
            Claimed(
                id=r.id,
                cohort_id=r.cohort_id,
                column_tag=r.column_tag,
                column_label=r.column_label,
                score_maximum=float(r.score_maximum),
                person_id=r.person_id,
                passed=bool(r.passed),
                attempts=int(r.attempts),
                score_timestamp=_aware(r.score_timestamp),
                maybe_landed=bool(r.maybe_landed),
                token=token,
            )
            for r in rows
        ),
        key=lambda c: c.id,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def newer_decision_exists(engine: Engine, claimed: Claimed) -> bool:
    """Was a newer row for the same person and column written after this one?"""
    with engine.connect() as conn:
        return bool(
            conn.scalar(
                select(
                    exists().where(
                        GradePost.cohort_id == claimed.cohort_id,
                        GradePost.column_tag == claimed.column_tag,
                        GradePost.person_id == claimed.person_id,
                        GradePost.id > claimed.id,
                        GradePost.state != PostState.SUPERSEDED.value,
                    )
                )
            )
        )


def renew(engine: Engine, claimed: Claimed, *, lease: timedelta, now: datetime) -> bool:
    """Extend the lease to ``now + lease`` if this worker still holds the row; False if another
    worker took it over (its lease ran out and it was claimed again)."""
    with engine.begin() as conn:
        done = conn.execute(
            update(GradePost)
            .where(
                GradePost.id == claimed.id,
                GradePost.claim_token == claimed.token,
                GradePost.state == PostState.SENDING.value,
            )
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    return bool(done.rowcount)


@dataclass(frozen=True)
class Finish:
    """What became of a claimed row."""

    state: PostState
    message: str | None = None
    #: for ``pending``: when to try again
    retry_at: datetime | None = None
    maybe_landed: bool = False


def finish(engine: Engine, claimed: Claimed, outcome: Finish, *, now: datetime) -> bool:
    """Record ``outcome`` if this worker still holds the row; False if it lost it."""
    values: dict[str, object] = {
        "state": outcome.state.value,
        "last_error": outcome.message,
        "lease_until": None,
        "claim_token": None,
        "updated_at": now,
    }
    if outcome.state is PostState.SENT:
        values["sent_at"] = now
        values["maybe_landed"] = False
    if outcome.state is PostState.PENDING:
        values["next_attempt_at"] = outcome.retry_at or now
        values["maybe_landed"] = outcome.maybe_landed or claimed.maybe_landed
    with engine.begin() as conn:
        done = conn.execute(
            update(GradePost)
            .where(
                GradePost.id == claimed.id,
                GradePost.claim_token == claimed.token,
                GradePost.state == PostState.SENDING.value,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return bool(done.rowcount)
