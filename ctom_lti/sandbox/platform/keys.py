"""The platform's RSA signing keys: past, present and future, as Canvas publishes them.

canvas-lti.md §4.1: the key set always holds three keys; tokens are signed with ``present``;
``kid`` is the ISO-8601 UTC timestamp of the key's creation; rotation moves present → past,
future → present and makes a new future key, so a token's ``kid`` is always already published.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KID_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        """The public half as Canvas publishes it: kty, e, n, kid, alg, use."""
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk


def _new_key(created: datetime) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(created.astimezone(UTC).strftime(KID_FORMAT), private)


class PlatformKeys:
    """Three rotating keys; thread-safe (the sandbox serves from several threads)."""

    def __init__(self, *, now: datetime | None = None) -> None:
        created = now or datetime.now(UTC)
        # Distinct creation times keep the three kids distinct, as they are in Canvas.
        self._lock = threading.Lock()
        self._past = _new_key(created - timedelta(days=60))
        self._present = _new_key(created - timedelta(days=30))
        self._future = _new_key(created)

    @property
    def present(self) -> SigningKey:
        return self._present

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """``{"keys": [past, present, future]}`` (canvas-lti.md §4.1)."""
        with self._lock:
            keys = (self._past, self._present, self._future)
        return {"keys": [k.public_jwk() for k in keys]}

    def rotate(self) -> None:
        """present → past, future → present, and a new future key (for tests and knobs)."""
        with self._lock:
            latest = datetime.strptime(self._future.kid, KID_FORMAT).replace(tzinfo=UTC)
            created = max(datetime.now(UTC), latest + timedelta(seconds=1))
            self._past, self._present, self._future = (
                self._present,
                self._future,
                _new_key(created),
            )

    def find(self, kid: str) -> SigningKey | None:
        with self._lock:
            for key in (self._past, self._present, self._future):
                if key.kid == kid:
                    return key
        return None

    def sign(self, payload: dict[str, Any]) -> str:
        """An RS256 JWT with header ``{"typ": "JWT", "alg": "RS256", "kid": <present>}``."""
        key = self.present
        return jwt.encode(
            payload, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": "JWT"}
        )

    def verify(self, token: str, **options: Any) -> dict[str, Any]:
        """Decode a JWT this platform signed (access tokens), with any of its three keys.

        Raises :class:`jwt.InvalidTokenError` when the signature, kid or claims are wrong.
        """
        kid = jwt.get_unverified_header(token).get("kid")
        key = self.find(kid) if isinstance(kid, str) else None
        if key is None:
            raise jwt.InvalidTokenError("unknown kid")
        decoded: dict[str, Any] = jwt.decode(
            token, key.private_key.public_key(), algorithms=["RS256"], **options
        )
        return decoded
