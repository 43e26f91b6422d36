"""Small shared key/value stores: Redis when ``REDIS_URL`` is set, else a database table.

Everything several workers must agree on (launch state, sessions, service tokens, caches) goes
through one of these, never a per-process dict. ``take`` is atomic, which is what makes OIDC
state and continuation tokens single-use.

A launch needs several of these reads and writes; :func:`batch` sends them to Redis in one round
trip (each Redis command costs about as much CPU as the rest of a launch step). The Redis
connection and its failure handling are ``redis_commands``'s; the table is ``database_store``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from ctom_lti.lti.redis_commands import Flight, RedisCommands

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
        self, ops: Sequence[Op], flight: Flight | None, results: list[str | None] | None = None
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
