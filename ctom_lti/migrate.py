"""Alembic, driven from the application: the migrations live inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

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


#: SQLSTATEs PostgreSQL gives for a table or column the schema does not have yet.
_UNDEFINED_TABLE_OR_COLUMN = frozenset({"42P01", "42703"})
#: SQLite says it in words.
_SQLITE_MISSING = ("no such table", "no such column", "has no column named")


def schema_not_ready(exc: BaseException) -> bool:
    """True when ``exc`` is a database saying a table or column is missing: the database was
    never prepared with ``ctom-lti init``, or is older than this version of the tool."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in _UNDEFINED_TABLE_OR_COLUMN:
        return True
    return any(words in str(orig) for words in _SQLITE_MISSING)


def schema_hint(app: Flask, exc: BaseException) -> str:
    """What to tell someone whose command met an unprepared database (no traceback)."""
    where = make_url(app.config["DATABASE_URL"]).render_as_string(hide_password=True)
    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
    return (
        f"Error: the database at {where} is not prepared for this version of the tool "
        f"({detail}).\n"
        "What to do: run `.venv/bin/ctom-lti init` (it creates or upgrades the tables and is "
        "safe to run again), then run this command again."
    )
