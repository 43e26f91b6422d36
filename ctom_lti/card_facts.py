"""What card facts are written with: the viewer's ids as bind parameters, and SQL helpers that
keep the home page's one statement cheap to run again.

A feature's card facts (see :class:`ctom_lti.features.HomeCards`) are scalar SQL expressions
about the viewer; the home page reads every feature's in one statement, built once per app.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    SQLColumnExpression,
    bindparam,
    false,
    func,
    literal_column,
    or_,
)

#: Names of the bind parameters card facts use for the viewer (see :func:`viewer_person_id`).
VIEWER_PERSON_ID = "viewer_person_id"
VIEWER_COHORT_ID = "viewer_cohort_id"


def viewer_person_id() -> BindParameter[int]:
    """The viewer's person id, in a card fact (given its value when the facts are read)."""
    return bindparam(VIEWER_PERSON_ID, type_=Integer)


def viewer_cohort_id() -> BindParameter[int]:
    """The viewer's cohort id, in a card fact."""
    return bindparam(VIEWER_COHORT_ID, type_=Integer)


# Card facts are read on every home page, in one statement built once. SQLAlchemy renders some
# constants into a statement's text anew on every execution ("post-compile" parameters): the
# values of an ``IN`` list and the separator of ``aggregate_strings``. In that statement this
# cost more than running it, so facts use these two instead (the home page's statement test
# checks that no fact brings such a parameter).


def one_of(column: SQLColumnExpression[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (values)`` for constant values, each its own ordinary parameter."""
    return or_(false(), *(column == value for value in values))


def joined_text(expression: ColumnElement[Any], separator: str = ", ") -> ColumnElement[str]:
    """``aggregate_strings(expression, separator)`` with the separator in the statement's text."""
    quoted = "'" + separator.replace("'", "''") + "'"
    # Typed as taking the separator as a Python string only; SQL text is what it renders.
    return func.aggregate_strings(expression, literal_column(quoted))  # type: ignore[arg-type]
