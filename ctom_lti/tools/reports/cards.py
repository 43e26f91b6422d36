"""Reports on the home page: a mentor's reports to write (the next due date, those returned),
a candidate's shared reports, and the reports waiting for staff to review.

The facts are scalar subqueries about the viewer, read by the home page in its one statement;
the rule decides from their values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from ctom_lti.card_facts import one_of, viewer_cohort_id, viewer_person_id
from ctom_lti.features import Card, Viewer
from ctom_lti.models import Role
from ctom_lti.tools.reports.models import RETURNED, SUBMITTED, ProgressReport
from ctom_lti.tools.reports.rules import EDITABLE, HANDED_IN

INDEX = "reports.index"
#: A report due within this many days makes the mentor's card a due one.
SOON = timedelta(days=7)
STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})

_IN_COHORT = ProgressReport.cohort_id == viewer_cohort_id()
_MINE = ProgressReport.mentor_person_id == viewer_person_id()
_OWED = one_of(ProgressReport.status, EDITABLE)

CARD_FACTS: Mapping[str, ColumnElement[Any]] = {
    "owed": select(func.count()).where(_IN_COHORT, _MINE, _OWED).scalar_subquery(),
    "next_due": select(func.min(ProgressReport.due_on))
    .where(_IN_COHORT, _MINE, _OWED)
    .scalar_subquery(),
    "returned": select(func.count())
    .where(_IN_COHORT, _MINE, ProgressReport.status == RETURNED)
    .scalar_subquery(),
    "shared": select(func.count())
    .where(
        _IN_COHORT,
        ProgressReport.candidate_person_id == viewer_person_id(),
        one_of(ProgressReport.status, HANDED_IN),
    )
    .scalar_subquery(),
    "waiting": select(func.count())
    .where(_IN_COHORT, ProgressReport.status == SUBMITTED)
    .scalar_subquery(),
}


def _today() -> date:
    return datetime.now(UTC).date()


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def card_rule(
    viewer: Viewer, facts: Mapping[str, Any], today: date | None = None
) -> Sequence[Card]:
    """The reports cards for ``viewer``."""
    today = today or _today()
    cards: list[Card] = []
    if viewer.roles & STAFF:
        waiting = int(facts["waiting"] or 0)
        cards.append(
            Card(
                "Monthly mentor reports",
                f"{waiting} submitted {'report is' if waiting == 1 else 'reports are'} waiting "
                "for review."
                if waiting
                else "No submitted report is waiting for review.",
                INDEX,
                due=bool(waiting),
            )
        )
    if Role.MENTOR in viewer.roles:
        cards.append(_mentor_card(facts, today))
    if Role.CANDIDATE in viewer.roles:
        shared = int(facts["shared"] or 0)
        cards.append(
            Card(
                "Your mentor's reports",
                f"{shared} monthly {'report' if shared == 1 else 'reports'} from your mentor."
                if shared
                else "Your mentor's monthly reports appear here once submitted.",
                INDEX,
            )
        )
    return cards


def _mentor_card(facts: Mapping[str, Any], today: date) -> Card:
    owed, returned = int(facts["owed"] or 0), int(facts["returned"] or 0)
    next_due = _as_date(facts["next_due"])
    if not owed or next_due is None:
        return Card("Monthly reports", "You have no report to write right now.", INDEX)
    if next_due < today:
        # The facts give the earliest due date of those owed, not how many are late.
        when = f"the oldest was due {next_due:%-d %B} and is overdue"
    else:
        when = f"the next is due {next_due:%-d %B}"
    text = f"{owed} {'report' if owed == 1 else 'reports'} to write; {when}."
    if returned:
        text += f" {returned} returned for revision."
    return Card("Monthly reports", text, INDEX, due=bool(returned) or next_due - today <= SOON)
