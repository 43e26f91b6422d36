"""Small shared key/value stores: Redis when ``REDIS_URL`` is set, else a database table.

Everything several workers must agree on (launch state, sessions, service tokens, caches) goes
through one of these, never a per-process dict. ``take`` is atomic, which is what makes OIDC
state and continuation tokens single-use.

A launch needs several of these reads and writes; :func:`batch` sends them to Redis in one round
trip (each Redis command costs about as much CPU as the rest of a launch step).

When Redis is down, frozen or refusing writes, every operation raises
:class:`~ctom_lti.errors.SessionStoreUnavailable` (a 503 page) within the configured timeout,
never a raw Redis error, and the next operation tries Redis afresh, so the tool recovers as soon
as Redis answers again.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Protocol

from sqlalchemy import Engine, Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ctom_lti.db import utcnow
from ctom_lti.errors import SessionStoreUnavailable

log = logging.getLogger(__name__)

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

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Store ``value`` only if ``key`` holds nothing (or something expired); True if so."""
        ...


@dataclass(frozen=True)
class Op:
    """One read or write for :func:`batch`."""

    store: KeyValueStore
    #: ``add`` stores only if the key is free; its result is "1" when it did, else None.
    action: Literal["get", "take", "put", "delete", "add"]
    key: str
    value: str = ""
    ttl: int = 0


def batch(ops: Sequence[Op]) -> list[str | None]:
    """Run ``ops`` in order; results of gets and takes, None for writes.

    All in one Redis round trip when every store lives in the same Redis (not a transaction:
    each command stays atomic on its own, which is all callers need); one after the other
    otherwise.
    """
    return submit(ops).results()


def submit(ops: Sequence[Op]) -> Pending:
    """Start ``ops`` now and collect their results later with :meth:`Pending.results`.

    With Redis the commands are on their way while the caller does other work (a launch checks
    its token signature meanwhile), so the reply is usually there when it is read and the worker
    never sleeps on the socket. Database stores run the operations right away.
    """
    redis_stores = [op.store for op in ops if isinstance(op.store, RedisStore)]
    if len(redis_stores) == len(ops) and len({id(s.redis) for s in redis_stores}) == 1:
        commands = [store.command(op) for store, op in zip(redis_stores, ops, strict=True)]
        return Pending(ops, redis_stores[0].redis.send(commands))
    results: list[str | None] = []
    for op in ops:
        if op.action == "get":
            results.append(op.store.get(op.key))
        elif op.action == "take":
            results.append(op.store.take(op.key))
        elif op.action == "put":
            op.store.put(op.key, op.value, op.ttl)
            results.append(None)
        elif op.action == "add":
            results.append("1" if op.store.add(op.key, op.value, op.ttl) else None)
        else:
            op.store.delete(op.key)
            results.append(None)
    return Pending(ops, None, results)


class Pending:
    """The results of a :func:`submit`, read on demand."""

    def __init__(
        self, ops: Sequence[Op], flight: _Flight | None, results: list[str | None] | None = None
    ) -> None:
        self._ops = ops
        self._flight = flight
        self._results = results

    def results(self) -> list[str | None]:
        if self._results is None:
            assert self._flight is not None
            replies = self._flight.replies()
            self._results = [
                _result(op, reply) for op, reply in zip(self._ops, replies, strict=True)
            ]
        return self._results


def _result(op: Op, reply: Any) -> str | None:
    if op.action == "add":
        return "1" if reply is not None else None  # SET ... NX answers OK or nil
    if isinstance(reply, bytes) and op.action in ("get", "take"):
        return reply.decode()
    return None


class _Flight:
    """Commands written to a connection whose replies have not been read yet."""

    def __init__(self, owner: RedisCommands, commands: Sequence[tuple[Any, ...]]) -> None:
        self.owner = owner
        self.commands = commands
        self.connection: Any = None
        self._replies: list[Any] | None = None

    def replies(self) -> list[Any]:
        if self._replies is None:
            self._replies = self.owner.receive(self)
        return self._replies


class RedisCommands:
    """Send commands to Redis over redis-py's connections, without its per-command machinery.

    redis-py's client and pipeline objects (retries, metrics hooks, response callbacks) cost two
    to three times the socket round trip itself; a launch sends a handful of commands, so this
    class writes them with the connection's own packer and reads the raw replies. Connecting,
    authentication, database selection, TLS and parsing stay redis-py's. Each batch in flight has
    a connection of its own from the pool, returned once its replies are read.

    A dropped connection (Redis restarted) is retried once on a fresh connection (a take retried
    that way may find its key already taken, which callers treat as "already used"). A timeout
    is not retried: connecting and each reply are bounded by ``timeout`` seconds, so a frozen
    Redis costs a request about that long before it is answered with a 503.
    """

    def __init__(self, url: str, *, timeout: float = 1.0, **options: Any) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._pool = redis.ConnectionPool.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # Retries here would multiply the time a request waits on a frozen Redis.
            retry=Retry(NoBackoff(), 0),
            **options,
        )
        self._dropped = redis.ConnectionError
        self._failed = redis.RedisError

    def send(self, commands: Sequence[tuple[Any, ...]]) -> _Flight:
        """Write ``commands`` in one go; their replies are read by :meth:`receive`."""
        flight = _Flight(self, commands)
        try:
            self._write(flight, retry=True)
        except self._failed as exc:
            raise _unavailable(exc) from exc
        return flight

    def _write(self, flight: _Flight, *, retry: bool) -> None:
        # A connection is the flight's until its replies are read, then goes back to the pool:
        # a server that runs each request on a new thread (the demo, tests, threaded workers)
        # would otherwise keep one connection per thread it ever ran, until the pool is empty.
        connection: Any = self._pool.get_connection()
        try:
            try:
                connection.send_packed_command(connection.pack_commands(flight.commands))
            except self._dropped:
                connection.disconnect()
                if not retry:
                    raise
                connection.send_packed_command(connection.pack_commands(flight.commands))
        except BaseException:
            self._pool.release(connection)
            raise
        flight.connection = connection

    def receive(self, flight: _Flight) -> list[Any]:
        """Read the replies to ``flight`` (in order)."""
        try:
            try:
                return self._read(flight)
            except self._dropped:
                pass
            self._write(flight, retry=False)  # once more, on a fresh connection
            return self._read(flight)
        except self._failed as exc:
            raise _unavailable(exc) from exc

    def _read(self, flight: _Flight) -> list[Any]:
        connection = flight.connection
        try:
            return [connection.read_response() for _ in flight.commands]
        except BaseException:
            # Replies may be left unread; never reuse the connection in that state.
            connection.disconnect()
            raise
        finally:
            self._pool.release(connection)

    def execute(self, commands: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Send ``commands`` in one round trip and return their raw replies, in order."""
        return self.send(commands).replies()


def _unavailable(exc: Exception) -> SessionStoreUnavailable:
    log.warning("Redis is unavailable: %s: %s", type(exc).__name__, exc)
    return SessionStoreUnavailable()


class RedisStore:
    """A namespace in Redis (``ctom:<namespace>:<key>``)."""

    def __init__(self, commands: RedisCommands, namespace: str) -> None:
        self.redis = commands
        self._prefix = f"ctom:{namespace}:"

    def command(self, op: Op) -> tuple[Any, ...]:
        """The Redis command performing ``op`` (see :func:`batch`)."""
        key = self._prefix + op.key
        if op.action == "get":
            return ("GET", key)
        if op.action == "take":
            return ("GETDEL", key)
        if op.action == "put":
            return ("SET", key, op.value, "EX", max(1, int(op.ttl)))
        if op.action == "add":
            return ("SET", key, op.value, "NX", "EX", max(1, int(op.ttl)))
        return ("DEL", key)

    def put(self, key: str, value: str, ttl: int) -> None:
        batch([Op(self, "put", key, value, ttl)])

    def get(self, key: str) -> str | None:
        return batch([Op(self, "get", key)])[0]

    def take(self, key: str) -> str | None:
        return batch([Op(self, "take", key)])[0]

    def delete(self, key: str) -> None:
        batch([Op(self, "delete", key)])

    def add(self, key: str, value: str, ttl: int) -> bool:
        return batch([Op(self, "add", key, value, ttl)])[0] is not None


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
