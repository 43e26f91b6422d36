"""Pushing active pairings to the sandbox Canvas over HTTP: mentors observe their candidates."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from ctom_lti.cli import main
from ctom_lti.db import session_scope
from ctom_lti.models import Membership, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.pairing.models import PairingPush
from tests.integration.canvas_sync.conftest import (
    EXAMPLE,
    add_people,
    describe,
    enroll_candidates,
    fast_gateway,
    install_tool,
)
from tests.integration.cohorts.support import cohort_file, register_tenant

from .support import HEADER, SIS, run, write_csv

QUALIFIED = "current_leader;hands_on;credential;time;work_study"
PEOPLE = f"""{HEADER}
mentor,mentor-001@example.edu,Person mentor-001,Kern High,south,12,infrastructure,,2,{QUALIFIED},
mentor,mentor-002@example.edu,Person mentor-002,Fresno Unified,north,9,fiscal-management,,2,\
{QUALIFIED},
candidate,cand-001@example.edu,Person cand-001,Clovis Unified,north,3,,fiscal-management,,,
candidate,cand-002@example.edu,Person cand-002,Bakersfield City,south,4,,infrastructure,,,
candidate,cand-003@example.edu,Person cand-003,Visalia Unified,south,2,,infrastructure,,,
candidate,never@example.edu,Not In Canvas,Tulare Joint,south,1,,,,,
"""


def _course(app: Flask, sandbox: SandboxServer, tmp_path: Path) -> int:
    """The example cohort's course built in the sandbox, its candidates enrolled, the cohort
    recorded in the tool, and its people known from launches (with their SIS ids)."""
    store = sandbox.store
    install_tool(store)
    people = add_people(store)
    register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        canvas_url=sandbox.base_url,
        canvas_token=sandbox.admin_token,
    )
    text = EXAMPLE.split("[[pairings]]")[0]
    path = cohort_file(tmp_path, canvas_url=sandbox.base_url, text=text)
    imported = app.test_cli_runner().invoke(main, ["cohort", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    from ctom_lti.canvas_sync import load_cohort, sync_course
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.curriculum.loader import load_curriculum

    with session_scope(app) as s:
        cohort = find_cohort(s, SIS)
        config = load_cohort(path, load_curriculum())
        sync_course(
            s, fast_gateway(sandbox), config, tool_base_url="http://t.example", cohort_id=cohort.id
        )
    course_id = next(c.id for c in store.courses.values() if c.sis_course_id == SIS)
    enroll_candidates(store, course_id, people)
    with session_scope(app) as s:
        cohort = find_cohort(s, SIS)
        for sis in ("cand-001", "cand-002", "cand-003", "mentor-001", "mentor-002"):
            person = Person(
                platform_id=cohort.platform_id,
                sub=f"lti-{sis}",
                name=f"Person {sis}",
                email=f"{sis}@example.edu",
                sis_user_id=sis,
            )
            s.add(person)
            s.flush()
            role = "mentor" if sis.startswith("mentor") else "candidate"
            s.add(Membership(person_id=person.id, cohort_id=cohort.id, role=role))
    return course_id


def test_active_pairings_become_observer_links_and_ended_ones_go(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    course_id = _course(app, sandbox, tmp_path)
    assert run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE))).exit_code == 0
    proposed = run(app, "propose", "--cohort", SIS)
    assert "never@example.edu -> " in proposed.output
    assert run(app, "accept", "--cohort", SIS, "--on", "2026-09-01").exit_code == 0

    pushed = run(app, "push", "--cohort", SIS)
    assert pushed.exit_code == 0, pushed.output + pushed.stderr
    assert "Not In Canvas" in pushed.stderr and "Canvas does not know" in pushed.stderr
    assert describe(sandbox.store, course_id)["observers"] == {
        ("mentor-001", "cand-002"),
        ("mentor-001", "cand-003"),
        ("mentor-002", "cand-001"),
    }
    # Pushing again changes nothing in Canvas.
    sandbox.log.clear()
    assert run(app, "push", "--cohort", SIS).exit_code == 0
    assert sandbox.log.writes() == []

    ended = run(
        app, "end", "--cohort", SIS, "--candidate", "cand-003@example.edu",
        "--reason", "Left the programme", "--on", "2026-10-01",
    )  # fmt: skip
    assert ended.exit_code == 0
    assert run(app, "push", "--cohort", SIS).exit_code == 0
    assert describe(sandbox.store, course_id)["observers"] == {
        ("mentor-001", "cand-002"),
        ("mentor-002", "cand-001"),
    }
    with session_scope(app) as s:
        statuses = s.scalars(select(PairingPush.status).order_by(PairingPush.id)).all()
    assert statuses == ["succeeded"] * 3


def test_a_push_canvas_refuses_says_what_to_do_and_can_be_run_again(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _course(app, sandbox, tmp_path)
    run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE)))
    run(app, "propose", "--cohort", SIS)
    run(app, "accept", "--cohort", SIS)
    register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        canvas_url=sandbox.base_url,
        canvas_token="not-a-valid-token",
    )
    failed = run(app, "push", "--cohort", SIS)
    assert failed.exit_code == 1
    assert "What to do:" in failed.stderr and "push again" in failed.stderr


def test_sync_pairings_only_pushes_the_tools_pairings(
    app: Flask, sandbox: SandboxServer, tmp_path: Path
) -> None:
    course_id = _course(app, sandbox, tmp_path)
    run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE)))
    run(app, "propose", "--cohort", SIS)
    run(app, "accept", "--cohort", SIS)
    # The cohort file has no [[pairings]]: the tool's active pairings are what sync pushes.
    synced = app.test_cli_runner().invoke(
        main,
        ["sync", str(tmp_path / "cohort.toml"), "--pairings-only"],
        env={"CTOM_CANVAS_URL": sandbox.base_url, "CTOM_CANVAS_TOKEN": sandbox.admin_token},
    )
    assert synced.exit_code == 0, synced.output
    assert describe(sandbox.store, course_id)["observers"] == {
        ("mentor-001", "cand-002"),
        ("mentor-001", "cand-003"),
        ("mentor-002", "cand-001"),
    }
