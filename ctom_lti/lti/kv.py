"""Small shared key/value stores: Redis when ``REDIS_URL`` is set, else a database table.

Everything several workers must agree on (launch state, sessions, service tokens, caches) goes
through one of these, never a per-process dict. ``take`` is atomic, which is what makes OIDC
state and continuation tokens single-use.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.db import utcnow

#: Values without a natural lifetime (e.g. the registration generation) still expire eventually.
FOREVER = 30 * 24 * 3600


class KeyValueStore(Protocol):
    """A namespace of string keys holding string values with a time to live (seconds)."""

    def put(self, key: str, value: str, ttl: int) -> None: ...

    def get(self, key: str) -> str | None: ...

    def take(self, key: str) -> str | None:
        """Return the value and delete it in one step; None if absent or expired."""
        ...

    def delete(self, key: str) -> None: ...


class RedisStore:
    """A namespace in Redis (``ctom:<namespace>:<key>``)."""

    def __init__(self, client: Any, namespace: str) -> None:
        self._redis = client
        self._prefix = f"ctom:{namespace}:"

    def put(self, key: str, value: str, ttl: int) -> None:
        self._redis.set(self._prefix + key, value, ex=max(1, int(ttl)))

    def get(self, key: str) -> str | None:
        raw = self._redis.get(self._prefix + key)
        return raw.decode() if raw is not None else None

    def take(self, key: str) -> str | None:
        raw = self._redis.getdel(self._prefix + key)
        return raw.decode() if raw is not None else None

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


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
