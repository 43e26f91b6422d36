"""The completion check against the sandbox Canvas over HTTP: a known mix gives exactly the
expected table, with and without injected faults, in a handful of Canvas calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ctom_lti import create_app
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.db import get_engine, session_scope
from ctom_lti.grades import GradePost
from ctom_lti.models import Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.completion.export import cohort_json
from ctom_lti.tools.completion.service import check_cohort
from tests.integration.canvas_sync.conftest import fast_gateway

from .support import AS_OF, SIS, build_course, email, features_with_stand_ins, grade_known_mix

MET = "met"
EXPECTED = {
    email("done"): ("complete", {}),
    email("absent"): ("not_complete", {"attendance": "not_met"}),
    email("excused"): ("complete", {}),
    email("ungraded"): ("not_complete", {"class_presentation": "not_met"}),
    email("returned"): ("not_complete", {"mentor_reports": "not_met"}),
}
RULES = (
    "assignments",
    "attendance",
    "class_presentation",
    "final_presentation",
    "mentor_reports",
    "portfolio",
    "ethics_and_feedback",
)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config, features=features_with_stand_ins())
    yield app
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app)
    get_engine(app).dispose()


@pytest.fixture
def course(app: Flask, sandbox: SandboxServer, tmp_path: Path) -> int:
    course_id = build_course(app, sandbox, tmp_path)
    grade_known_mix(sandbox, course_id)
    return course_id


def table(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        who: (
            row["overall"],
            {rule: x["state"] for rule, x in row["rules"].items() if x["state"] != MET},
        )
        for who, row in data["candidates"].items()
    }


def test_the_known_mix_gives_exactly_the_expected_table(app: Flask, course: int) -> None:
    result = app.test_cli_runner().invoke(
        args=["completion", "--cohort", SIS, "--json", "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert table(data) == EXPECTED
    rows = data["candidates"]
    assert list(rows[email("done")]["rules"]) == list(RULES)
    assert rows[email("absent")]["rules"]["attendance"]["reason"] == (
        "Session 3: Attendance: graded incomplete"
    )
    excused = rows[email("excused")]["rules"]["attendance"]["reason"]
    assert "Session 2: Attendance: excused" in excused and "1 allowed" in excused
    assert rows[email("ungraded")]["rules"]["class_presentation"]["reason"] == (
        "Class Oral Presentation: submitted, not graded"
    )
    returned = rows[email("returned")]["rules"]["mentor_reports"]
    assert returned["reason"] == "2026-09 report (returned for revision)"
    assert "submits it again" in returned["todo"]


def test_the_whole_gradebook_is_read_in_two_calls(
    app: Flask, sandbox: SandboxServer, course: int
) -> None:
    sandbox.log.clear()
    with session_scope(app) as s:
        cohort = find_cohort(s, SIS)
        check = check_cohort(
            s,
            cohort.id,
            features=features_with_stand_ins(),
            open_gateway=lambda c: fast_gateway(sandbox),
            today=AS_OF,
        )
    assert check.canvas_calls == 2
    calls = sandbox.log.entries(path_prefix="/api/")
    assert [e.path.rsplit("/", 1)[-1] for e in calls] == ["assignments", "submissions"]
    assert all("per_page=100" in e.query for e in calls)
    # code of ethics, agreement, feedback; 16 principles; 8 x (pre-session, attendance); 2 talks
    assert len(check.evidence.assignments) == 37


def test_twenty_percent_faults_give_the_same_table(
    app: Flask, sandbox: SandboxServer, course: int
) -> None:
    knobs = sandbox.knobs
    knobs.seed(12)
    knobs.set(error_rate=0.07, throttle_rate=0.07, drop_rate=0.06)
    try:
        results = []
        for _ in range(5):
            with session_scope(app) as s:
                cohort = find_cohort(s, SIS)
                check = check_cohort(
                    s,
                    cohort.id,
                    features=features_with_stand_ins(),
                    open_gateway=lambda c: fast_gateway(sandbox),
                    today=AS_OF,
                )
            assert check.evidence.gradebook_problem is None
            results.append(table(cohort_json(check.results, as_of=AS_OF.isoformat())))
    finally:
        knobs.set(error_rate=0, throttle_rate=0, drop_rate=0)
    assert results == [EXPECTED] * 5
    faults = [e for e in sandbox.log.entries(path_prefix="/api/") if e.fault]
    assert faults, "the knobs injected no fault"


def test_changed_results_are_queued_once_for_the_gradebook_column(app: Flask, course: int) -> None:
    args = ["completion", "--cohort", SIS, "--as-of", AS_OF.isoformat()]
    first = app.test_cli_runner().invoke(args=args)
    assert "5 changed results queued" in first.output
    with session_scope(app) as s:
        posts = {
            (email, passed)
            for email, passed in s.execute(
                select(Person.email, GradePost.passed)
                .join(GradePost, GradePost.person_id == Person.id)
                .where(GradePost.column_tag == "ctom-completion")
            )
        }
    assert posts == {
        (email("done"), True),
        (email("excused"), True),
        (email("absent"), False),
        (email("ungraded"), False),
        (email("returned"), False),
    }
    again = app.test_cli_runner().invoke(args=args)
    assert "queued" not in again.output
