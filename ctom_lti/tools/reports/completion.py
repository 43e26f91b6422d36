"""The reports' evidence for the programme-completion check: per candidate, one fact per
programme month that has begun (``report:YYYY-MM``), done once every report on that month is
submitted (a re-paired month has one per mentor)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.features import CompletionFact
from ctom_lti.models import Cohort
from ctom_lti.tools.reports.history import (
    due_day_of,
    pairing_spans,
    programme_calendar,
    withdrawn_candidates,
)
from ctom_lti.tools.reports.models import NOT_STARTED, ProgressReport
from ctom_lti.tools.reports.rules import completion_state
from ctom_lti.tools.reports.schedule import DEFAULT_DUE_DAY, month_key, month_label, schedule

_WORDS = {
    "done": "submitted",
    "returned": "returned for revision",
    "in_progress": "being written",
    "missing": "not written yet",
}


def _default_due_day() -> int:
    if has_app_context():
        return int(current_app.config.get("REPORTS_DUE_DAY", DEFAULT_DUE_DAY))
    return DEFAULT_DUE_DAY


def completion_facts(
    session: Session, cohort_id: int, as_of: date
) -> Mapping[int, tuple[CompletionFact, ...]]:
    """Facts by candidate person id for the months whose reports have begun by ``as_of``."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        return {}
    cal = programme_calendar(cohort, due_day_of(session, cohort_id, _default_due_day()))
    if cal is None:
        return {}
    spans = pairing_spans(session, cohort_id)
    slots = [
        s
        for s in schedule(cal, spans, withdrawn_candidates(session, cohort_id, spans))
        if s.period_start <= as_of
    ]
    rows = {
        (r.pairing_id, r.month): r
        for r in session.scalars(
            select(ProgressReport).where(ProgressReport.cohort_id == cohort_id)
        )
    }
    months: dict[tuple[int, date], list[str]] = defaultdict(list)
    due: dict[tuple[int, date], date] = {}
    returned_on: dict[tuple[int, date], date] = {}
    for slot in slots:
        key = (slot.candidate_id, slot.month)
        row = rows.get((slot.pairing_id, slot.month))
        months[key].append(row.status if row else NOT_STARTED)
        due[key] = max(due.get(key, slot.due_on), slot.due_on)
        if row is not None and row.reviewed_at is not None and row.status == "returned":
            returned_on[key] = row.reviewed_at.date()
    facts: dict[int, list[CompletionFact]] = defaultdict(list)
    for (candidate_id, month), statuses in sorted(months.items()):
        state = completion_state(statuses)
        detail = f"{month_label(month)} report {_WORDS[state]}"
        if state == "returned" and (candidate_id, month) in returned_on:
            detail += f" on {returned_on[(candidate_id, month)]:%-d %B}"
        elif state != "done":
            detail += f"; due {due[(candidate_id, month)]:%-d %B %Y}"
        facts[candidate_id].append(
            CompletionFact(
                key=f"report:{month_key(month)}",
                state=state,
                due=due[(candidate_id, month)],
                detail=detail,
            )
        )
    return {candidate: tuple(found) for candidate, found in facts.items()}
