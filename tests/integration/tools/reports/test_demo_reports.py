"""The demo's reports: a few months in every state, some overdue, for the seeded pairings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.db import session_scope, utcnow
from ctom_lti.demo import DemoStack, start_demo
from ctom_lti.models import Role
from ctom_lti.tools.reports.dashboard import mentor_dashboard
from ctom_lti.tools.reports.demo_seed import seed_reports
from ctom_lti.tools.reports.models import STATUSES, ProgressReport
from tests.factories import make_cohort_of_people
from tests.integration.tools.reports.support import give_calendar, make_pairing


def test_seeded_reports_cover_every_state_and_some_are_overdue(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=6, mentors=2)
    cohort = give_calendar(made.cohort, term_start=date(2026, 9, 1))
    mentors = made.of(Role.MENTOR)
    for i, candidate in enumerate(made.of(Role.CANDIDATE)):
        make_pairing(session, cohort, mentors[i % 2], candidate, started_on=date(2026, 11, 30))
    today = date(2026, 12, 10)
    counts = seed_reports(session, cohort, today)
    assert set(counts) == set(STATUSES)
    # Four months since September for each of six candidates.
    assert sum(counts.values()) == 24
    lines = mentor_dashboard(session, cohort.id, mentors[0].id, today)
    assert lines[0].overdue
    assert any(line.status == "submitted" for line in lines)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    stack = start_demo(
        instance_path=str(tmp_path_factory.mktemp("demo")),
        sandbox_port=0,
        tool_port=0,
        progress=False,
    )
    yield stack
    stack.stop()


def test_the_demo_seeds_reports_for_its_pairings(demo: DemoStack) -> None:
    seed = demo.sandbox.demo
    assert seed is not None
    with session_scope(demo.app) as s:
        rows = s.scalars(select(ProgressReport)).all()
    if utcnow().date() < date(2026, 9, 1):
        assert rows == []
        return
    assert {r.candidate_person_id for r in rows} and len(
        {r.candidate_person_id for r in rows}
    ) == len(seed.candidates)
    assert len({r.status for r in rows}) >= 3
