"""The shared key/value store kept in a database table, used when there is no Redis (``kv``)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import Engine, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.db import utcnow


class DatabaseStore:
    """A key/value table (``key``, ``value``, ``expires_at``), used when there is no Redis.

    Each call is its own short transaction on the engine, independent of the request's ORM
    session, so a take is committed (and visible to other workers) before the launch goes on.
    """

    #: About one write in this many also sweeps expired rows.
    _PURGE_EVERY = 200

    def __init__(self, engine: Engine, table: Table) -> None:
        self._engine = engine
        self._table = table
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._insert = insert

    def put(self, key: str, value: str, ttl: int) -> None:
        now = utcnow()
        expires = now + timedelta(seconds=max(1, int(ttl)))
        t = self._table
        stmt = self._insert(t).values(key=key, value=value, expires_at=expires)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.key], set_={"value": value, "expires_at": expires}
        )
        with self._engine.begin() as conn:
            conn.execute(stmt)
            if random.randrange(self._PURGE_EVERY) == 0:  # noqa: S311 - not security relevant
                conn.execute(delete(t).where(t.c.expires_at < now))

    def get(self, key: str) -> str | None:
        t = self._table
        with self._engine.connect() as conn:
            value: str | None = conn.execute(
                select(t.c.value).where(t.c.key == key, t.c.expires_at > utcnow())
            ).scalar_one_or_none()
        return value

    def take(self, key: str) -> str | None:
        t = self._table
        with self._engine.begin() as conn:
            row = conn.execute(
                delete(t).where(t.c.key == key).returning(t.c.value, t.c.expires_at)
            ).first()
        if row is None or row.expires_at <= utcnow():
            return None
        value: str = row.value
        return value

    def delete(self, key: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(self._table).where(self._table.c.key == key))

    def add(self, key: str, value: str, ttl: int) -> bool:
        now = utcnow()
        expires = now + timedelta(seconds=max(1, int(ttl)))
        t = self._table
        insert = self._insert(t).values(key=key, value=value, expires_at=expires)
        # A row left behind expired counts as free; a live one wins, atomically.
        stmt = insert.on_conflict_do_update(
            index_elements=[t.c.key],
            set_={"value": value, "expires_at": expires},
            where=t.c.expires_at <= now,
        ).returning(t.c.key)
        with self._engine.begin() as conn:
            added = conn.execute(stmt).first() is not None
            if random.randrange(self._PURGE_EVERY) == 0:  # noqa: S311 - not security relevant
                conn.execute(delete(t).where(t.c.expires_at < now))
        return added
