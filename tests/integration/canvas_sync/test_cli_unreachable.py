"""``ctom-lti sync`` against a Canvas address where nothing answers names that address and the
cohort's course, not the API path its first request happened to use."""

from __future__ import annotations

import socket

import pytest

from ctom_lti.cli import main

from .conftest import EXAMPLE, TOOL_URL, SyncSetup

COHORT = EXAMPLE.replace('# base_url = "https://ctom.example.edu"', f'base_url = "{TOOL_URL}"')


def _closed_port() -> int:
    """A loopback port with no server on it (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "sync"])
def test_connection_refused_names_the_canvas_address_and_course(
    setup: SyncSetup, dry_run: bool
) -> None:
    setup.write_cohort(COHORT)
    canvas_url = f"http://127.0.0.1:{_closed_port()}"
    args = ["sync", str(setup.cohort_path), *(["--dry-run"] if dry_run else [])]
    result = setup.app.test_cli_runner().invoke(
        main, args, env={"CTOM_CANVAS_URL": canvas_url, "CTOM_CANVAS_TOKEN": "x"}
    )
    assert result.exit_code == 1
    error, hint = result.stderr.splitlines()
    assert error == (
        f"Error: Could not reach Canvas at {canvas_url} (connection refused) to sync course "
        "CTOM-2026-C12 from cohort.toml."
    )
    assert hint.startswith("What to do: Check the Canvas address")
    assert "sis_course_id:" not in result.output
    assert "Traceback" not in result.output
