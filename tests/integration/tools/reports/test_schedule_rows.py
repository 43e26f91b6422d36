"""The schedule kept as rows: made when a month opens, moved when a pairing changes, dropped
when nobody wrote in them; what a mentor wrote stays."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.models import Membership, Role
from ctom_lti.tools.reports.completion import completion_facts
from ctom_lti.tools.reports.models import DRAFT, NOT_STARTED, ProgressReport, ReportRule
from ctom_lti.tools.reports.service import sync_schedule
from tests.factories import make_cohort_of_people
from tests.integration.tools.reports.support import give_calendar, make_pairing

# 18:00 in California on 14 November 2026.
NOW = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)


def _rows(session: Session) -> list[ProgressReport]:
    return list(
        session.scalars(
            select(ProgressReport).order_by(
                ProgressReport.candidate_person_id,
                ProgressReport.month,
                ProgressReport.period_start,
            )
        )
    )


def test_rows_are_made_for_each_opened_month_once(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=2, mentors=1)
    cohort = give_calendar(made.cohort)
    mentor = made.of(Role.MENTOR)[0]
    for candidate in made.of(Role.CANDIDATE):
        make_pairing(session, cohort, mentor, candidate)
    first = sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    assert first.made == 6  # September, October, November for each of two mentees
    rows = _rows(session)
    assert {(r.month, r.status) for r in rows} == {
        (date(2026, 9, 1), NOT_STARTED),
        (date(2026, 10, 1), NOT_STARTED),
        (date(2026, 11, 1), NOT_STARTED),
    }
    assert rows[0].period_start == date(2026, 9, 12)
    assert rows[0].due_on == date(2026, 10, 5)
    again = sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    assert not again.changed
    assert len(_rows(session)) == 6


def test_the_cohorts_own_due_day_wins_over_the_setting(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=1)
    cohort = give_calendar(made.cohort)
    make_pairing(session, cohort, made.of(Role.MENTOR)[0], made.of(Role.CANDIDATE)[0])
    session.add(ReportRule(cohort_id=cohort.id, due_day=10))
    sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    assert {r.due_on.day for r in _rows(session)} == {10}


def test_a_re_pair_moves_open_rows_and_drops_untouched_ones(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=2)
    cohort = give_calendar(made.cohort)
    first, second = made.of(Role.MENTOR)
    candidate = made.of(Role.CANDIDATE)[0]
    pairing = make_pairing(session, cohort, first, candidate)
    sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    october = next(r for r in _rows(session) if r.month == date(2026, 10, 1))
    october.status, october.content, october.version = DRAFT, {"strengths": "Kept"}, 2
    # Re-paired on 10 October: the first mentor's October shrinks, November is the new one's.
    pairing.status, pairing.ended_on = "ended", date(2026, 10, 10)
    make_pairing(session, cohort, second, candidate, started_on=date(2026, 10, 10))
    outcome = sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    assert (outcome.made, outcome.moved, outcome.dropped) == (2, 1, 1)
    rows = _rows(session)
    assert [
        (r.mentor_person_id, r.month.month, r.period_start.day, r.period_end.day) for r in rows
    ] == [
        (first.id, 9, 12, 30),
        (first.id, 10, 1, 10),
        (second.id, 10, 10, 31),
        (second.id, 11, 1, 30),
    ]
    assert rows[1].content == {"strengths": "Kept"}


def test_a_withdrawn_candidate_gets_no_new_months(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=1)
    cohort = give_calendar(made.cohort)
    candidate = made.of(Role.CANDIDATE)[0]
    make_pairing(session, cohort, made.of(Role.MENTOR)[0], candidate)
    sync_schedule(session, cohort.id, default_due_day=5, now=datetime(2026, 10, 20, tzinfo=UTC))
    assert len(_rows(session)) == 2
    # They leave the course in October (the roster marks them inactive); November never opens.
    membership = session.scalars(
        select(Membership).where(Membership.person_id == candidate.id)
    ).one()
    membership.status = "inactive"
    sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    assert [r.month.month for r in _rows(session)] == [9, 10]


def test_a_cohort_without_a_calendar_has_no_reports(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=1)
    make_pairing(session, made.cohort, made.of(Role.MENTOR)[0], made.of(Role.CANDIDATE)[0])
    assert not sync_schedule(session, made.cohort.id, default_due_day=5, now=NOW).changed
    assert _rows(session) == []


def test_completion_facts_one_per_begun_month_with_its_state(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=2)
    cohort = give_calendar(made.cohort)
    first, second = made.of(Role.MENTOR)
    candidate = made.of(Role.CANDIDATE)[0]
    pairing = make_pairing(session, cohort, first, candidate, ended_on=date(2026, 10, 10))
    make_pairing(session, cohort, second, candidate, started_on=date(2026, 10, 10))
    sync_schedule(session, cohort.id, default_due_day=5, now=NOW)
    rows = {(r.pairing_id, r.month.month): r for r in _rows(session)}
    rows[(pairing.id, 9)].status = "acknowledged"
    # October: the first mentor submitted, the second has a draft; November was returned.
    rows[(pairing.id, 10)].status = "submitted"
    others = [r for (p, _), r in rows.items() if p != pairing.id]
    next(r for r in others if r.month.month == 10).status = DRAFT
    november = next(r for r in others if r.month.month == 11)
    november.status, november.reviewed_at = "returned", NOW
    session.flush()
    facts = completion_facts(session, cohort.id, date(2026, 11, 14))
    assert [(f.key, f.state, f.due) for f in facts[candidate.id]] == [
        ("report:2026-09", "done", date(2026, 10, 5)),
        ("report:2026-10", "in_progress", date(2026, 11, 5)),
        ("report:2026-11", "returned", date(2026, 12, 5)),
    ]
    assert (
        facts[candidate.id][2].detail == "November 2026 report returned for revision on 15 November"
    )
    # Before October began only September counts, and it says when it is due.
    early = completion_facts(session, cohort.id, date(2026, 9, 20))[candidate.id]
    assert [f.key for f in early] == ["report:2026-09"]
    assert early[0].detail == "September 2026 report submitted"
