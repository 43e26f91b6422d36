"""Alembic, driven from the application: the migrations live inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from ctom_lti.db import get_engine


def alembic_config(app: Flask) -> Config:
    """An Alembic config pointing at the packaged migrations and the app's database."""
    cfg = Config()
    cfg.set_main_option("script_location", "ctom_lti:migrations")
    # ConfigParser interpolation would choke on '%' in passwords.
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    cfg.attributes["engine"] = get_engine(app)
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(app), revision)


def current_heads(app: Flask) -> tuple[set[str], set[str]]:
    """Return (revisions the database is at, head revisions of the code)."""
    cfg = alembic_config(app)
    script = ScriptDirectory.from_config(cfg)
    with get_engine(app).connect() as conn:
        at = set(MigrationContext.configure(conn).get_current_heads())
    return at, set(script.get_heads())
