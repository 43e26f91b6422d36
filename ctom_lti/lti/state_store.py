"""OIDC login state and launch continuations, shared by every worker and used exactly once.

A login stores nothing: its ``state`` is a value the tool signs (HMAC with a key derived from
``SECRET_KEY``) that names when the login began, which registration and deployment it was for
and whether it offered LTI Platform Storage. The login's ``nonce`` and platform-storage secret
are derived from the state with the same key, so the launch can recompute them. Anyone can start
logins, so nothing anonymous ever reaches the shared store: 300 logins store 0 records.

A state is spent when a launch presents it with a token signed by the platform: a marker
(``used:<hash of the state>``, added only if absent, for the state's lifetime) makes a replayed
``id_token`` + ``state`` fail, whichever worker it reaches. The token's ``nonce`` must equal the
one derived from the state, which ties the nonce to that single use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from ctom_lti.lti.kv import KeyValueStore, Op


def _key(kind: str, secret: str) -> str:
    return kind + ":" + hashlib.sha256(secret.encode()).hexdigest()


def digest(value: str) -> str:
    """Hex SHA-256 of a secret, for storing something to compare against later."""
    return hashlib.sha256(value.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tag(*parts: str) -> str:
    """A short fingerprint of values the state is bound to (covered by its signature)."""
    return _b64(hashlib.sha256("\n".join(parts).encode()).digest()[:9])


@dataclass(frozen=True)
class LoginState:
    """What a launch knows of the login its state came from."""

    nonce: str
    created: float
    #: Fingerprint of the (issuer, client id) the login was for.
    platform_tag: str
    #: Fingerprint of the login's deployment id; None when the login named none.
    deployment_tag: str | None
    #: SHA-256 of the secret put into LTI Platform Storage, when the login offered it.
    storage_secret_hash: str | None = None

    def is_for(self, issuer: str, client_id: str) -> bool:
        return hmac.compare_digest(self.platform_tag, _tag(issuer, client_id))

    def deployment_differs(self, deployment_id: str) -> bool:
        return self.deployment_tag is not None and not hmac.compare_digest(
            self.deployment_tag, _tag(deployment_id)
        )


@dataclass(frozen=True)
class IssuedLogin:
    state: str
    nonce: str
    #: The value for LTI Platform Storage (None when the login did not offer it).
    storage_secret: str | None


class LaunchStateStore:
    """Signed login states, their one-time use, and parked launches (continuations)."""

    def __init__(self, store: KeyValueStore, secret_key: str, ttl: int = 600) -> None:
        self._store = store
        self._key = hashlib.sha256(b"ctom login state\n" + secret_key.encode()).digest()
        self._ttl = ttl

    def _mac(self, purpose: str, text: str, size: int = 16) -> str:
        return _b64(hmac.new(self._key, f"{purpose}\n{text}".encode(), "sha256").digest()[:size])

    def issue(
        self, issuer: str, client_id: str, deployment_id: str | None, *, storage: bool
    ) -> IssuedLogin:
        """A fresh login's state, nonce and platform-storage secret; nothing is stored."""
        body = ".".join(
            (
                format(int(time.time()), "x"),
                secrets.token_urlsafe(18),
                _tag(issuer, client_id),
                _tag(deployment_id) if deployment_id is not None else "",
                "s" if storage else "n",
            )
        )
        state = body + "." + self._mac("state", body)
        return IssuedLogin(
            state=state,
            nonce=self._mac("nonce", body, 24),
            storage_secret=self._mac("secret", body, 24) if storage else None,
        )

    def verify(self, state: str) -> LoginState | None:
        """The login behind ``state``; None if it is not one the tool signed, or too old.

        Whether it was already used is a separate question (:meth:`use_op`).
        """
        if not state.isascii():  # compare_digest takes ASCII text only
            return None
        body, _, mac = state.rpartition(".")
        parts = body.split(".")
        if len(parts) != 5 or not hmac.compare_digest(mac, self._mac("state", body)):
            return None
        created_hex, _rand, platform_tag, deployment_tag, storage = parts
        try:
            created = int(created_hex, 16)
        except ValueError:
            return None
        if not -5 <= time.time() - created <= self._ttl:
            return None
        secret = self._mac("secret", body, 24) if storage == "s" else None
        return LoginState(
            nonce=self._mac("nonce", body, 24),
            created=float(created),
            platform_tag=platform_tag,
            deployment_tag=deployment_tag or None,
            storage_secret_hash=digest(secret) if secret else None,
        )

    def use_op(self, state: str) -> Op:
        """Spend ``state``: the result is "1" for the first use, None once it was used."""
        return Op(self._store, "add", _key("used", state), "1", self._ttl)

    def save_continuation(self, token: str, payload: dict[str, Any], ttl: int = 120) -> None:
        self._store.put(_key("cont", token), json.dumps(payload), ttl)

    def take_continuation(self, token: str) -> dict[str, Any] | None:
        raw = self._store.take(_key("cont", token))
        return json.loads(raw) if raw is not None else None
