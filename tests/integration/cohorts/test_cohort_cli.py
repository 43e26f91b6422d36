"""``ctom-lti cohort import`` and ``cohort list``: the calendar lands on the cohort, in its
tenant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.cli import main
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.models import Cohort, CohortSession

from .support import SCHOOL, cohort_file, register_tenant

CLOUD = "https://canvas.instructure.com"


def _import(runner: Any, path: Path, *args: str) -> Any:
    return runner.invoke(main, ["cohort", "import", str(path), *args], env={"CTOM_CANVAS_URL": ""})


def test_import_records_the_calendar_without_canvas(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    platform_id = register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL)
    result = _import(runner, cohort_file(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Recorded cohort CTOM-2026-C12 (CTO Mentor Program - Cohort 12)" in result.output
    assert "8 sessions from 2026-09-11 (Sacramento County Office of Education)" in result.output

    cohort = session.scalars(select(Cohort)).one()
    assert cohort.platform_id == platform_id
    assert cohort.canvas_url == SCHOOL
    assert cohort.canvas_course_id is None  # Canvas was not asked
    calendar = calendar_of(cohort)
    assert calendar is not None
    assert (calendar.term_start, calendar.term_end) == (dt.date(2026, 9, 1), dt.date(2027, 5, 28))
    assert calendar.time_zone == "America/Los_Angeles"
    assert [s.region for s in calendar.sessions] == ["north", "south"] * 4
    kickoff, second = calendar.sessions[0], calendar.sessions[1]
    assert (kickoff.date, kickoff.location) == (
        dt.date(2026, 9, 11),
        "Sacramento County Office of Education",
    )
    assert calendar.starts_at(kickoff).isoformat() == "2026-09-11T09:00:00-07:00"
    assert calendar.starts_at(second).isoformat() == "2026-10-09T17:00:00-07:00"
    assert calendar.sessions[-1].location == "Riverside County Office of Education"
    assert cohort.settings is not None
    assert cohort.settings["principle_sessions"]["project-management"] == 8


def test_importing_again_updates_the_same_cohort(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL)
    path = cohort_file(tmp_path)
    assert _import(runner, path).exit_code == 0
    path.write_text(
        path.read_text().replace(
            "Riverside County Office of Education", "Ontario Convention Center"
        )
    )
    again = _import(runner, path)
    assert again.exit_code == 0, again.output
    assert session.scalar(select(func.count()).select_from(Cohort)) == 1
    assert session.scalar(select(func.count()).select_from(CohortSession)) == 8
    last = session.scalar(select(CohortSession).where(CohortSession.number == 8))
    assert last is not None and last.location == "Ontario Convention Center"


def test_the_canvas_address_must_belong_to_a_registration(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url="https://other.instructure.com")
    result = _import(runner, cohort_file(tmp_path))
    assert result.exit_code == 2
    assert "No registration has the Canvas address https://school.instructure.com" in (
        result.output
    )
    assert "ctom-lti platform add" in result.output
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_a_file_without_canvas_url_takes_it_from_the_command_line(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL)
    path = cohort_file(tmp_path, canvas_url=None)
    missing = _import(runner, path)
    assert missing.exit_code == 2
    assert "names no Canvas address" in missing.output
    given = _import(runner, path, "--canvas-url", SCHOOL + "/")
    assert given.exit_code == 0, given.output
    assert session.scalar(select(Cohort.canvas_url)) == SCHOOL


def test_platform_chooses_between_registrations_sharing_a_canvas_address(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL, name="Kern")
    second = register_tenant(app, issuer=CLOUD, client_id="200", canvas_url=SCHOOL, name="Test")
    path = cohort_file(tmp_path)
    unsure = _import(runner, path)
    assert unsure.exit_code == 2
    assert "Several registrations have the Canvas address" in unsure.output
    assert "--platform" in unsure.output
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0

    wrong = _import(runner, path, "--platform", "999")
    assert wrong.exit_code == 2
    assert "No registration is '999'" in wrong.output

    chosen = _import(runner, path, "--platform", "Test")
    assert chosen.exit_code == 0, chosen.output
    assert session.scalar(select(Cohort.platform_id)) == second


def test_a_bad_cohort_file_is_reported_with_its_line(
    app: Any, runner: Any, session: Session, tmp_path: Path
) -> None:
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL)
    path = cohort_file(tmp_path)
    path.write_text(path.read_text().replace("date = 2026-10-09", "date = 2026-10-10"))
    result = _import(runner, path)
    assert result.exit_code == 2
    assert "cohort.toml line" in result.output
    assert "2026-10-10 is a Saturday; sessions start on a Friday" in result.output
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_list_shows_each_cohort_with_its_registration(
    app: Any, runner: Any, tmp_path: Path
) -> None:
    empty = runner.invoke(main, ["cohort", "list"])
    assert "No cohorts yet" in empty.output
    register_tenant(app, issuer=CLOUD, client_id="100", canvas_url=SCHOOL, name="Kern")
    assert _import(runner, cohort_file(tmp_path)).exit_code == 0
    listed = runner.invoke(main, ["cohort", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "CTOM-2026-C12  CTO Mentor Program - Cohort 12"
    assert "registration #" in lines[1] and "(Kern) client_id=100" in lines[1]
    assert "course not linked yet" in lines[2]
    assert "term 2026-09-01 to 2027-05-28, 8 sessions" in lines[3]
