"""A recorded cohort and a pairing import file for the pairing tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask

from ctom_lti.cli import main
from ctom_lti.tools.pairing.rows import COLUMNS
from tests.integration.cohorts.support import SCHOOL, cohort_file, register_tenant

SIS = "CTOM-2026-C12"
HEADER = ",".join(COLUMNS)

#: Three mentors (one not yet eligible), four candidates (one conflicted with a mentor by
#: organisation, one naming a conflict by email).
PEOPLE = (Path(__file__).parent / "people.csv").read_text(encoding="utf-8")


def record_cohort(app: Flask, tmp_path: Path, *, client_id: str = "10000000000001") -> None:
    register_tenant(
        app, issuer="https://canvas.instructure.com", client_id=client_id, canvas_url=SCHOOL
    )
    result = app.test_cli_runner().invoke(
        main, ["cohort", "import", str(cohort_file(tmp_path))], env={"CTOM_CANVAS_URL": ""}
    )
    assert result.exit_code == 0, result.output


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(main, ["pairing", *args])


def write_csv(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
