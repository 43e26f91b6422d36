"""``ctom-lti completion --freeze --csv``: the snapshot verifies, the CSV has the table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ctom_lti import create_app
from ctom_lti.db import get_engine, session_scope
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.completion.models import CompletionSnapshot
from ctom_lti.tools.completion.snapshots import verify

from .support import AS_OF, SIS, build_course, email, features_with_stand_ins, grade_known_mix


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config, features=features_with_stand_ins())
    yield app
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app)
    get_engine(app).dispose()


def test_freeze_stores_a_snapshot_that_verifies_and_csv_writes_the_table(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    grade_known_mix(sandbox, build_course(app, sandbox, tmp_path))
    table = tmp_path / "table.csv"
    result = app.test_cli_runner().invoke(
        args=[
            "completion", "--cohort", SIS, "--json", "--freeze", "--csv", str(table),
            "--as-of", AS_OF.isoformat(),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    with session_scope(app) as s:
        row = s.scalars(select(CompletionSnapshot)).one()
        assert data["snapshot"] == {"id": row.id, "inputs_sha256": row.inputs_sha256}
        assert (row.as_of, row.completed, row.candidates) == (AS_OF, 2, 5)
        checked = verify(s, row.cohort_id, row.id)
        assert checked.ok
    with table.open(encoding="utf-8", newline="") as f:
        rows = {r["email"]: r for r in csv.DictReader(f)}
    assert rows[email("absent")]["overall"] == "not complete"
    assert rows[email("absent")]["attendance reason"] == "Session 3: Attendance: graded incomplete"
    assert rows[email("done")]["overall"] == "complete"
