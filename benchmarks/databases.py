"""A throw-away database for one benchmark run: a SQLite file, or a fresh PostgreSQL database
on the server named (dropped again when the run ends)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text


@dataclass
class Database:
    url: str
    label: str
    cleanup: Callable[[], None] | None = None


def make_database(server_url: str | None, workdir: Path, file_name: str = "bench") -> Database:
    """A new empty database: ``workdir/<file_name>.sqlite3`` without a server URL."""
    if not server_url:
        return Database(f"sqlite:///{workdir / f'{file_name}.sqlite3'}", "SQLite")
    admin = make_url(server_url)
    name = f"ctom_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    url = admin.set(database=name).render_as_string(hide_password=False)
    return Database(url, "PostgreSQL", drop)
