"""The Alembic migrations: one linear history that builds exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from ctom_lti import create_app, migrate
from ctom_lti.db import Model, get_engine
from ctom_lti.schema import import_all_models


def test_history_is_linear_with_a_single_head(app: Flask) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(app))
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    import_all_models()
    with get_engine(app).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
    assert diff == []


def test_downgrade_to_nothing_and_back_up(tmp_path: Path) -> None:
    scratch = create_app(
        {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite3"}
    )
    migrate.upgrade(scratch)
    cfg = migrate.alembic_config(scratch)
    command.downgrade(cfg, "base")
    assert migrate.current_heads(scratch)[0] == set()
    migrate.upgrade(scratch)
    at, heads = migrate.current_heads(scratch)
    assert at == heads
    get_engine(scratch).dispose()
