"""Redis commands sent over redis-py's connections, for the shared key/value stores (``kv``).

When Redis is down, frozen or refusing writes, every operation raises
:class:`~ctom_lti.errors.SessionStoreUnavailable` (a 503 page) within the configured timeout,
never a raw Redis error, and the next operation tries Redis afresh, so the tool recovers as soon
as Redis answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ctom_lti.errors import SessionStoreUnavailable

log = logging.getLogger(__name__)


class Flight:
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

    def send(self, commands: Sequence[tuple[Any, ...]]) -> Flight:
        """Write ``commands`` in one go; their replies are read by :meth:`receive`."""
        flight = Flight(self, commands)
        try:
            self._write(flight, retry=True)
        except self._failed as exc:
            raise _unavailable(exc) from exc
        return flight

    def _write(self, flight: Flight, *, retry: bool) -> None:
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

    def receive(self, flight: Flight) -> list[Any]:
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

    def _read(self, flight: Flight) -> list[Any]:
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
