"""``ctom-lti demo`` grades the sandbox gradebook with a known mix: the cohort table shows every
kind of reason (complete, absent, excused, waiting for a grade, a returned report)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.db import session_scope
from ctom_lti.demo import DemoStack, start_demo
from ctom_lti.features import registry_of
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.sandbox.seed import COURSE_SIS_ID
from ctom_lti.tools.completion.results import CandidateResult, State
from ctom_lti.tools.completion.service import check_cohort


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


def _results(demo: DemoStack) -> list[CandidateResult]:
    app = demo.app
    with session_scope(app) as s:
        check = check_cohort(
            s,
            find_cohort(s, COURSE_SIS_ID).id,
            features=registry_of(app).features,
            open_gateway=lambda c: cohort_gateway(s, c, get_fernet(app)),
            today=date.today(),
        )
    assert check.evidence.gradebook_problem is None
    return list(check.results)


def test_the_demo_table_shows_every_kind_of_reason(demo: DemoStack) -> None:
    results = _results(demo)
    store = demo.sandbox.store
    names = sorted(
        (store.users[uid] for uid in store.students_of(demo.course_id)),
        key=lambda u: u.sortable_name,
    )
    by_name = {r.name: r for r in results}
    complete, absent, excused, waiting = (by_name[u.name] for u in names[:4])
    canvas_rules = ("assignments", "attendance", "class_presentation", "final_presentation")
    assert all(complete.rule(k).state is State.MET for k in canvas_rules)
    assert "Session 2: Attendance: graded incomplete" in absent.rule("attendance").reason
    assert absent.rule("attendance").state is State.NOT_MET
    assert "Session 3: Attendance: excused" in excused.rule("attendance").reason
    assert excused.rule("attendance").state is not State.NOT_MET
    assert waiting.rule("class_presentation").reason == (
        "Class Oral Presentation: submitted, not graded"
    )
    reasons = " ".join(r.rule("mentor_reports").reason for r in results)
    assert "returned for revision" in reasons
