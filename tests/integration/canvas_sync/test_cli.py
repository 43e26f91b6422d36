"""``ctom-lti sync`` as an admin runs it: plan table, JSON report, exit codes, clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.canvas_sync.models import SyncMapping, SyncRun
from ctom_lti.cli import main

from .conftest import EXAMPLE, TOOL_URL, SyncSetup

COHORT = EXAMPLE.replace('# base_url = "https://ctom.example.edu"', f'base_url = "{TOOL_URL}"')


@pytest.fixture
def cli(setup: SyncSetup) -> Any:
    setup.write_cohort(COHORT)

    def invoke(*args: str, token: str | None = None, stdin: str | None = None) -> Result:
        env = {
            "CTOM_CANVAS_URL": setup.sandbox.base_url,
            "CTOM_CANVAS_TOKEN": setup.sandbox.admin_token if token is None else token,
        }
        runner = setup.app.test_cli_runner()
        return runner.invoke(main, ["sync", str(setup.cohort_path), *args], env=env, input=stdin)

    return invoke


def test_dry_run_prints_the_plan_and_changes_nothing(
    cli: Any, setup: SyncSetup, session: Session
) -> None:
    result = cli("--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ACTION", "KIND", "NAME", "DETAIL"]
    assert lines[1].split()[:2] == ["create", "course"]
    # In course order, with where each module ends up (not where the run first inserts it).
    assert ["create", "module", "Leadership", "Strand", "module", "4", "of", "8"] in [
        line.split() for line in lines
    ]
    assert "Plan: 165 created, 1 unchanged, 3 skipped (nothing was changed: dry run)" in lines
    assert setup.sandbox.log.writes() == []
    assert len(setup.sandbox.log.reads()) == 2
    assert session.scalar(select(func.count()).select_from(SyncMapping)) == 0
    assert session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_sync_prints_a_summary_and_a_second_run_changes_nothing(cli: Any, setup: SyncSetup) -> None:
    first = cli()
    assert first.exit_code == 0, first.output
    assert "Sync finished: 165 created, 0 updated, 1 unchanged, 0 deleted, 0 failed, 3 skipped" in (
        first.stdout
    )
    assert f"{setup.sandbox.base_url}/courses/{setup.course_id()}" in first.stdout
    second = cli("--dry-run")
    assert (
        "Nothing to change: the course already matches the spec and cohort file." in second.stdout
    )


def test_json_report(cli: Any, setup: SyncSetup) -> None:
    result = cli("--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "succeeded"
    assert report["course"]["sis_course_id"] == "CTOM-2026-C12"
    assert report["course"]["url"] == f"{setup.sandbox.base_url}/courses/{setup.course_id()}"
    assert report["counts"]["created"] == 165
    assert report["api_calls"]["writes"] == 173
    assert len(report["actions"]) == len([a for a in report["actions"] if a["id"]])
    made = [a for a in report["actions"] if a["status"] == "created"]
    assert all(isinstance(a["canvas_id"], int) for a in made)


def test_the_token_can_come_from_standard_input_and_is_never_printed(
    cli: Any, setup: SyncSetup
) -> None:
    result = cli("--token-stdin", "--json", token="", stdin=setup.sandbox.admin_token + "\n")
    assert result.exit_code == 0, result.output
    assert setup.sandbox.admin_token not in result.output


def test_a_bad_cohort_file_fails_before_any_canvas_call(cli: Any, setup: SyncSetup) -> None:
    setup.cohort_path.write_text(COHORT.replace("infrastructure = 2", "infrastructur = 2"))
    result = cli()
    assert result.exit_code == 2
    line = next(i for i, t in enumerate(COHORT.splitlines(), 1) if t.startswith("infrastructure"))
    assert f"cohort.toml line {line}: unknown principle 'infrastructur'" in result.stderr
    assert "nothing was sent to Canvas" in result.stderr
    assert len(setup.sandbox.log) == 0


def test_an_invalid_token_is_one_line_not_a_traceback(cli: Any, setup: SyncSetup) -> None:
    result = cli(token="1~not-a-real-token")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "Error: Canvas rejected the API token (invalid, expired or revoked)."
    )
    assert result.stderr.splitlines()[1].startswith("What to do: Create a new access token")
    assert "Traceback" not in result.output
    assert "1~not-a-real-token" not in result.output


def test_a_missing_account_is_one_line(cli: Any, setup: SyncSetup) -> None:
    setup.cohort_path.write_text(COHORT.replace("account_id = 1", "account_id = 999"))
    result = cli()
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Canvas has no account 999. Check account_id under [cohort] in cohort.toml "
        "(the number in the account's Canvas address)."
    )


def test_missing_address_or_token_is_explained(setup: SyncSetup, tmp_path: Path) -> None:
    setup.write_cohort(COHORT)
    runner = setup.app.test_cli_runner()
    args = ["sync", str(setup.cohort_path)]
    no_url = runner.invoke(main, args, env={"CTOM_CANVAS_URL": "", "CTOM_CANVAS_TOKEN": "x"})
    assert no_url.exit_code == 2
    assert "no Canvas address" in no_url.stderr
    no_token = runner.invoke(
        main, args, env={"CTOM_CANVAS_URL": setup.sandbox.base_url, "CTOM_CANVAS_TOKEN": ""}
    )
    assert no_token.exit_code == 2
    assert "no Canvas API token" in no_token.stderr
    assert len(setup.sandbox.log) == 0


def test_failures_exit_non_zero_and_say_what_to_do(cli: Any, setup: SyncSetup) -> None:
    setup.sandbox.store.external_tools.clear()
    result = cli()
    assert result.exit_code == 1
    assert "Sync finished with failures" in result.stdout
    assert "What to do next:" in result.stdout
    assert "[tool] client_id" in result.stdout


def test_pairings_only(cli: Any, setup: SyncSetup) -> None:
    assert cli().exit_code == 0
    setup.sandbox.log.clear()
    result = cli("--pairings-only")
    assert result.exit_code == 0, result.output
    assert [e.path.split("/")[-1] for e in setup.sandbox.log.reads()] == [
        "sis_course_id:CTOM-2026-C12",
        "enrollments",
    ]


def wait_until_quiet(setup: SyncSetup, *, quiet_s: float = 0.5, timeout_s: float = 30.0) -> None:
    """Wait until no request has finished in the sandbox for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    seen, since = len(setup.sandbox.log), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, "the sandbox never went quiet"
        time.sleep(0.05)
        now = len(setup.sandbox.log)
        if now != seen:
            seen, since = now, time.monotonic()


def test_a_killed_sync_process_is_finished_by_the_next_run(
    setup: SyncSetup, database_url: str, tmp_path: Path
) -> None:
    setup.write_cohort(COHORT)
    setup.sandbox.knobs.set(latency_ms=20.0)
    env = {
        **os.environ,
        "CTOM_DATABASE_URL": database_url,
        "CTOM_INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "CTOM_CANVAS_URL": setup.sandbox.base_url,
        "CTOM_CANVAS_TOKEN": setup.sandbox.admin_token,
    }
    script = Path(sys.executable).with_name("ctom-lti")
    proc = subprocess.Popen(
        [str(script), "sync", str(setup.cohort_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(setup.sandbox.log.writes()) < 60 and time.monotonic() < deadline:
            assert proc.poll() is None, "the sync finished before it could be killed"
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    setup.sandbox.knobs.set(latency_ms=0.0)
    # Requests the process had in flight still land in Canvas after it dies; the next run starts
    # once they have (had one landed after its snapshot, it would be made twice).
    wait_until_quiet(setup)
    assert 60 <= len(setup.sandbox.log.writes()) < 173
    setup.assert_finished_by_next_run()
