"""The schedule's inputs, read from the database: the cohort's calendar and due rule, its pairing
history and who has withdrawn (reads only).

The pairing feature keeps the pairings and is their authority; features never import each other,
so the pairing history is read through the cohort layer's description of that table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.cohorts.mentorship import PAIRING_TABLE
from ctom_lti.models import Cohort, Membership, Role
from ctom_lti.tools.reports.models import ProgressReport, ReportRule
from ctom_lti.tools.reports.schedule import PairingSpan, ProgrammeCalendar

PAIRING = PAIRING_TABLE
#: Pairing statuses that mean the mentor mentored (a proposal is not a pairing yet).
MENTORED = ("active", "ended")
ACTIVE = "active"
ACTIVE_MEMBER = ("active", "pending")


def due_day_of(session: Session, cohort_id: int, default: int) -> int:
    """The cohort's due day: its own rule, else ``default`` (the ``REPORTS_DUE_DAY`` setting)."""
    rule = session.get(ReportRule, cohort_id)
    return rule.due_day if rule is not None else default


def programme_calendar(cohort: Cohort, due_day: int) -> ProgrammeCalendar | None:
    """The schedule's view of ``cohort``'s calendar; None until the cohort has one."""
    cal = calendar_of(cohort)
    if cal is None:
        return None
    first = cal.term_start or (cal.sessions[0].date if cal.sessions else None)
    last = cal.term_end or (cal.sessions[-1].last_day if cal.sessions else None)
    if first is None or last is None or last < first:
        return None
    return ProgrammeCalendar(first, last, cal.time_zone, due_day)


def pairing_spans(session: Session, cohort_id: int) -> list[PairingSpan]:
    """The cohort's active and ended pairings."""
    rows = session.execute(
        select(
            PAIRING.c.id,
            PAIRING.c.mentor_person_id,
            PAIRING.c.candidate_person_id,
            PAIRING.c.started_on,
            PAIRING.c.ended_on,
            PAIRING.c.status,
        ).where(PAIRING.c.cohort_id == cohort_id, PAIRING.c.status.in_(MENTORED))
    ).all()
    return [
        PairingSpan(
            int(r.id),
            int(r.mentor_person_id),
            int(r.candidate_person_id),
            _as_date(r.started_on),
            None if r.status == ACTIVE else _as_date(r.ended_on),
        )
        for r in rows
    ]


def _as_date(value: object) -> date | None:
    # The lightweight table has no types: SQLite hands back ISO text, PostgreSQL dates.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def withdrawn_candidates(
    session: Session, cohort_id: int, spans: list[PairingSpan]
) -> dict[int, date]:
    """Candidates no longer in the cohort (their membership inactive), with their last day.

    The last day is where their last pairing ended; while a pairing is still active it is the
    end of the last report the tool already made for them, so no further month opens.
    """
    statuses: dict[int, set[str]] = defaultdict(set)
    for person_id, status in session.execute(
        select(Membership.person_id, Membership.status).where(
            Membership.cohort_id == cohort_id, Membership.role == Role.CANDIDATE.value
        )
    ):
        statuses[person_id].add(status)
    gone = {p for p, s in statuses.items() if not s & set(ACTIVE_MEMBER)}
    if not gone:
        return {}
    by_candidate: dict[int, list[PairingSpan]] = defaultdict(list)
    for span in spans:
        if span.candidate_id in gone:
            by_candidate[span.candidate_id].append(span)
    last_made: Mapping[int, date] = dict(
        session.execute(
            select(ProgressReport.candidate_person_id, func.max(ProgressReport.period_end))
            .where(
                ProgressReport.cohort_id == cohort_id,
                ProgressReport.candidate_person_id.in_(gone),
            )
            .group_by(ProgressReport.candidate_person_id)
        ).all()
    )
    result = {}
    for candidate_id in gone:
        theirs = by_candidate.get(candidate_id, [])
        if theirs and all(s.ended_on is not None for s in theirs):
            result[candidate_id] = max(s.ended_on for s in theirs if s.ended_on is not None)
        elif candidate_id in last_made:
            result[candidate_id] = last_made[candidate_id]
        else:
            result[candidate_id] = date.min
    return result
