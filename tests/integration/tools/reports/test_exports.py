"""CSV exports: a cohort's reports or one mentor's, streamed, with formulas kept as text."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from ctom_lti.spreadsheets import spreadsheet_cell
from ctom_lti.tools.reports.exports import HEADER
from tests.integration.tools.reports.dash_support import arrange, launch, set_status
from tests.lti_fixtures import LaunchActions


def read_csv(client: FlaskClient, url: str) -> tuple[list[list[str]], str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]))), response.headers["Content-Disposition"]


def test_a_cohort_exports_every_report_and_a_mentor_only_theirs(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    made = arrange(
        app,
        cohort_id,
        candidates=3,
        months_back=1,
        names=('=HYPERLINK("http://evil.example","x")', "+Plus", "Ana Ruiz"),
    )
    set_status(app, made.candidates[2], ["submitted"])
    rows, disposition = read_csv(client, f"/c/{cohort_id}/reports/export.csv")
    assert rows[0] == list(HEADER)
    assert len(rows) == 1 + 3 * 2
    assert "attachment" in disposition and disposition.endswith('-reports.csv"')
    names = {r[0] for r in rows[1:]}
    assert names == {'\'=HYPERLINK("http://evil.example","x")', "'+Plus", "Ana Ruiz"}
    assert next(r[8] for r in rows[1:] if r[0] == "Ana Ruiz") == "Submitted"
    mine, disposition = read_csv(
        client, f"/c/{cohort_id}/reports/export.csv?mentor={made.mentors[1]}"
    )
    assert {r[2] for r in mine[1:]} == {"Mentor B"}
    assert len(mine) == 1 + 2
    assert "mentor-b" in disposition


def test_a_mentor_exports_only_their_own_reports(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    arrange(app, cohort_id, candidates=4, months_back=0)
    launch(lti, "mentor", "mentor-x")
    # The launched mentor has no pairing: asking for another mentor's still gives their own.
    rows, _ = read_csv(client, f"/c/{cohort_id}/reports/export.csv?mentor=1")
    assert rows == [list(HEADER)]


def test_cells_a_spreadsheet_would_run_are_kept_as_text() -> None:
    assert [spreadsheet_cell(v) for v in ("=1+1", "-2", "@SUM(A1)", "\tx", "plain", None, 3)] == [
        "'=1+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
        "3",
    ]
