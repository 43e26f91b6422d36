"""Commands run on a database ``ctom-lti init`` has not prepared say what to run, without a
traceback (SQLite, and PostgreSQL when ``CTOM_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ctom_lti import create_app
from ctom_lti.cli import EXIT_NOT_PREPARED, main
from ctom_lti.db import get_engine
from ctom_lti.sandbox.server import SandboxServer


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database nobody ran ``ctom-lti init`` on."""
    server_url = os.environ.get("CTOM_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'never-initialised.sqlite3'}"
        return
    admin = make_url(server_url)
    name = f"ctom_empty_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def run(empty_database_url: str, tmp_path: Path) -> Iterator[Any]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": empty_database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "BASE_URL": "http://localhost:5005",
        }
    )

    def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
        return app.test_cli_runner().invoke(main, list(args), env=env)

    yield invoke
    get_engine(app).dispose()


def _says_what_to_run(result: Any) -> None:
    assert result.exit_code == EXIT_NOT_PREPARED, result.output
    assert "ctom-lti init" in result.output
    assert "is not prepared" in result.output
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output.lower()


def test_sync_on_an_unprepared_database_says_to_run_init(
    run: Any, sandbox: SandboxServer, tmp_path: Path
) -> None:
    cohort = Path(__file__).resolve().parents[2] / "ctom_lti/canvas_sync/cohort.example.toml"
    env = {"CTOM_CANVAS_URL": sandbox.base_url, "CTOM_CANVAS_TOKEN": sandbox.admin_token}
    _says_what_to_run(run("sync", str(cohort), env=env))


def test_platform_list_on_an_unprepared_database_says_to_run_init(run: Any) -> None:
    _says_what_to_run(run("platform", "list"))


def test_init_then_the_same_command_works(run: Any) -> None:
    assert run("init").exit_code == 0
    result = run("platform", "list")
    assert result.exit_code == 0, result.output
