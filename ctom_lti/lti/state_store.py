"""OIDC login state and launch continuations, shared by every worker and taken exactly once.

A login stores ``{nonce, iss, client_id, deployment_id, created, ...}`` under the hash of a fresh
``state``; the launch *takes* that record (atomically reads and deletes it), so a replayed
``id_token`` + ``state`` finds nothing, whichever worker it reaches. The stored nonce must then
equal the token's ``nonce``, which consumes the nonce with the state.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from ctom_lti.lti.kv import KeyValueStore, Op, batch


def _key(kind: str, secret: str) -> str:
    return kind + ":" + hashlib.sha256(secret.encode()).hexdigest()


def digest(value: str) -> str:
    """Hex SHA-256 of a secret, for storing something to compare against later."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class LoginState:
    """What a login remembers for its launch."""

    nonce: str
    issuer: str
    client_id: str
    #: From the login request (Canvas calls it ``deployment_id``); None if it was not sent.
    deployment_id: str | None
    created: float
    #: SHA-256 of the secret put into LTI Platform Storage, when the login offered it.
    storage_secret_hash: str | None = None


class LaunchStateStore:
    """Typed access to one-time launch records in a :class:`KeyValueStore`."""

    def __init__(self, store: KeyValueStore, ttl: int = 600) -> None:
        self._store = store
        self._ttl = ttl

    def save_login_op(self, state: str, record: LoginState) -> Op:
        """The write that stores ``record`` for ``state`` (run it with :func:`kv.batch`)."""
        data = {
            "nonce": record.nonce,
            "issuer": record.issuer,
            "client_id": record.client_id,
            "deployment_id": record.deployment_id,
            "created": record.created,
            "storage_secret_hash": record.storage_secret_hash,
        }
        return Op(self._store, "put", _key("state", state), json.dumps(data), self._ttl)

    def save_login(self, state: str, record: LoginState) -> None:
        batch([self.save_login_op(state, record)])

    def forget_login(self, state: str) -> None:
        self._store.delete(_key("state", state))

    def take_login_op(self, state: str) -> Op:
        """The read that takes the login record for ``state``; decode with :meth:`decode_login`."""
        return Op(self._store, "take", _key("state", state))

    def decode_login(self, raw: str | None) -> LoginState | None:
        if raw is None:
            return None
        data = json.loads(raw)
        if time.time() - float(data.get("created", 0)) > self._ttl:
            return None
        return LoginState(**data)

    def take_login(self, state: str) -> LoginState | None:
        """Return and forget the login for ``state`` (None if unknown, used or expired)."""
        return self.decode_login(batch([self.take_login_op(state)])[0])

    def save_continuation(self, token: str, payload: dict[str, Any], ttl: int = 120) -> None:
        self._store.put(_key("cont", token), json.dumps(payload), ttl)

    def take_continuation(self, token: str) -> dict[str, Any] | None:
        raw = self._store.take(_key("cont", token))
        return json.loads(raw) if raw is not None else None
