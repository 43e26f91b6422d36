"""The tool's gradebook column for a (cohort, tag): found or created once, never twice.

The line item's URL is kept in ``grade_column``; once known, posting needs no lookup. Before
looking for or creating the line item, a worker claims the cohort's ``grade_column`` row (made
first if missing) by setting ``creating_until`` in a short transaction of its own; a second
worker sees the claim and waits for the URL the first one stores (or for the claim to run out,
if that worker died). No database lock is held while Canvas is asked. The lookup goes by tag and
resource id first, so a create that reached Canvas but whose answer was lost is found, not
repeated.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.db import utcnow
from ctom_lti.errors import CtomError
from ctom_lti.grades.models import GradeColumn
from ctom_lti.grades.rules import ColumnSpec
from ctom_lti.lti.advantage import Gradebook, GradebookColumn

#: How long a worker may take to find or create a column before another may try.
CREATE_CLAIM = timedelta(seconds=60)
_POLL = 0.1


class ColumnBusy(CtomError):
    """Another worker is still finding or creating the column (the post is tried again)."""

    status = 503
    title = "The gradebook column is being made"


def _known(spec: ColumnSpec, url: str) -> GradebookColumn:
    return GradebookColumn(
        id=url,
        label=spec.label,
        score_maximum=spec.score_maximum,
        tag=spec.tag,
        resource_id=spec.tag,
    )


def known_column(engine: Engine, cohort_id: int, spec: ColumnSpec) -> GradebookColumn | None:
    """The column if its line item URL is already stored (no call to Canvas)."""
    with engine.connect() as conn:
        url = conn.scalar(
            select(GradeColumn.lineitem_url).where(
                GradeColumn.cohort_id == cohort_id, GradeColumn.tag == spec.tag
            )
        )
    return _known(spec, url) if url else None


def _claim(engine: Engine, cohort_id: int, spec: ColumnSpec) -> bool:
    """Make the row if missing and claim it for creating; False if another worker holds it."""
    insert: Any = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    where = (GradeColumn.cohort_id == cohort_id, GradeColumn.tag == spec.tag)
    with engine.begin() as conn:
        conn.execute(
            insert(GradeColumn)
            .values(
                cohort_id=cohort_id,
                tag=spec.tag,
                label=spec.label,
                score_maximum=spec.score_maximum,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["cohort_id", "tag"])
        )
        claimed = conn.execute(
            update(GradeColumn)
            .where(
                *where,
                GradeColumn.lineitem_url.is_(None),
                or_(GradeColumn.creating_until.is_(None), GradeColumn.creating_until < now),
            )
            .values(creating_until=now + CREATE_CLAIM, updated_at=now)
        )
    return bool(claimed.rowcount)


def _release(engine: Engine, cohort_id: int, tag: str, url: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(GradeColumn)
            .where(GradeColumn.cohort_id == cohort_id, GradeColumn.tag == tag)
            .values(lineitem_url=url, creating_until=None, updated_at=utcnow())
        )


def ensure_column(
    engine: Engine,
    cohort_id: int,
    spec: ColumnSpec,
    gradebook: Gradebook,
    *,
    wait: float = 15.0,
) -> GradebookColumn:
    """The cohort's column for ``spec``: stored, found in Canvas by tag, or created there.

    :param wait: seconds to wait for another worker creating it before :class:`ColumnBusy`.
    """
    deadline = time.monotonic() + wait
    while True:
        known = known_column(engine, cohort_id, spec)
        if known is not None:
            return known
        if _claim(engine, cohort_id, spec):
            break
        if time.monotonic() >= deadline:
            raise ColumnBusy(f"Another worker is still creating the column {spec.label!r}.")
        time.sleep(_POLL)
    url: str | None = None
    try:
        column = gradebook.find_or_create_column(
            tag=spec.tag,
            resource_id=spec.tag,
            label=spec.label,
            score_maximum=spec.score_maximum,
        )
        url = column.id
    finally:
        _release(engine, cohort_id, spec.tag, url)
    return column


def forget_column(engine: Engine, cohort_id: int, tag: str) -> None:
    """Drop a stored line item URL Canvas no longer knows (the column was deleted there)."""
    _release(engine, cohort_id, tag, None)
