"""The gradebook read pages 100 students at a time, and the cohort file's [completion] table
tunes the rules (or is refused, naming each problem)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ctom_lti import create_app
from ctom_lti.cli import main
from ctom_lti.db import get_engine
from ctom_lti.sandbox import content, grading
from ctom_lti.sandbox.server import SandboxServer
from tests.integration.canvas_sync.conftest import fast_gateway

from .support import AS_OF, SIS, build_course, email, features_with_stand_ins, grade_known_mix


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config, features=features_with_stand_ins())
    yield app
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app)
    get_engine(app).dispose()


def test_a_cohort_of_250_is_read_in_three_pages_of_100(sandbox: SandboxServer) -> None:
    store = sandbox.store
    course = store.add_course("Big cohort", workflow_state="available")
    group = content.add_assignment_group(store, course.id, "Programme")
    teacher = store.add_user("Grader", "grader@example.edu")
    made = [
        content.create_assignment(
            store, course.id, f"Duty {n}", assignment_group_id=group.id, published=True,
            grading_type="pass_fail", points_possible=1.0,
        )
        for n in range(3)
    ]  # fmt: skip
    for s in range(250):
        user = store.add_user(f"Candidate {s}", f"c{s}@example.edu", sis_user_id=f"c{s}")
        store.enroll(user.id, course.id, "StudentEnrollment")
        grading.grade_submission(store, made[s % 3], user.id, "complete", teacher.id)
    sandbox.log.clear()
    entries = fast_gateway(sandbox).get_gradebook(course.id, [a.id for a in made])
    assert len(entries) == 750
    assert sum(e.grade == "complete" for e in entries) == 250
    pages = sandbox.log.entries(path_prefix="/api/")
    assert len(pages) == 3
    assert all("per_page=100" in e.query for e in pages)
    assert len({e.user_id for e in entries}) == 250


def test_the_cohort_file_tunes_the_rules(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    extra = """
[completion]
excused_absences = 0
rules.class_presentation = false
"""
    course = build_course(app, sandbox, tmp_path, extra)
    grade_known_mix(sandbox, course)
    result = app.test_cli_runner().invoke(
        args=["completion", "--cohort", SIS, "--json", "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["candidates"]
    # No excused absence allowed any more; the ungraded presentation is no longer required.
    assert rows[email("excused")]["overall"] == "not_complete"
    assert rows[email("excused")]["rules"]["attendance"]["reason"].startswith(
        "1 excused absences, the cohort allows 0"
    )
    assert rows[email("ungraded")]["overall"] == "complete"
    assert rows[email("ungraded")]["rules"]["class_presentation"]["state"] == "off"


def test_a_wrong_completion_table_is_refused_naming_each_problem(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    build_course(app, sandbox, tmp_path, '\n[completion]\nexcused_absences = -1\ncolour = "red"\n')
    result = app.test_cli_runner().invoke(main, ["completion", "--cohort", SIS])
    assert result.exit_code == 2
    assert "excused_absences must be a whole number" in result.stderr
    assert "no setting 'colour'" in result.stderr
    assert "ctom-lti cohort import" in result.stderr
