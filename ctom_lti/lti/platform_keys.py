"""Platform public keys (the platform's JWKS), cached and refetched once on an unknown ``kid``.

Two cache levels: parsed key objects in this process (building an RSA key per launch is
measurable), and the raw key set in the shared store so a new worker does not refetch. Canvas
pre-publishes its next key (canvas-lti.md §4.1), so an unknown ``kid`` normally means our copy
is old: it is refetched once. A ``kid`` still unknown after that is remembered for a while, and
refetches per key-set URL are spaced out, so forged ``kid`` values cannot make the tool hammer
the platform.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from jwt.algorithms import RSAAlgorithm

from ctom_lti.errors import LaunchError
from ctom_lti.lti.kv import KeyValueStore

#: Signature algorithms accepted on platform tokens.
ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512"})


class PlatformKeyError(LaunchError):
    """The platform's key for a token could not be found or fetched."""


@dataclass
class _KeySet:
    fetched: float
    keys: dict[str, tuple[str, Any]]
    refetched_at: float = 0.0
    unknown: dict[str, float] = field(default_factory=dict)


class PlatformKeys:
    """Parsed platform keys by key-set URL and ``kid``."""

    def __init__(
        self,
        http: requests.Session,
        shared: KeyValueStore,
        ttl: int = 3600,
        min_refetch_interval: float = 1.0,
        unknown_kid_ttl: float = 300.0,
    ) -> None:
        self._http = http
        self._shared = shared
        self._ttl = ttl
        self._min_refetch = min_refetch_interval
        self._unknown_ttl = unknown_kid_ttl
        self._sets: dict[str, _KeySet] = {}
        self._lock = threading.Lock()

    def key_for(self, url: str, kid: str, alg: str) -> Any:
        """Return the public key object for ``kid`` at ``url``.

        :raises PlatformKeyError: for an unsupported algorithm, an unknown ``kid`` (after one
            refetch) or a key set that cannot be fetched.
        """
        if alg not in ALLOWED_ALGORITHMS:
            raise PlatformKeyError(f"Tokens signed with {alg!r} are not accepted.")
        now = time.monotonic()
        key_set = self._sets.get(url)
        fresh = False
        if key_set is None or now - key_set.fetched > self._ttl:
            key_set, fresh = self._load(url, now)
        found = key_set.keys.get(kid)
        if found is None and not fresh and self._may_refetch(key_set, kid, now):
            key_set = self._fetch(url, now)
            key_set.refetched_at = now
            found = key_set.keys.get(kid)
        if found is None:
            with self._lock:
                key_set.unknown = {
                    k: t for k, t in key_set.unknown.items() if now - t < self._unknown_ttl
                }
                key_set.unknown[kid] = now
            raise PlatformKeyError(
                "The launch was signed with a key the platform does not publish."
            )
        key_alg, key = found
        if key_alg != alg:
            raise PlatformKeyError("The launch's signing algorithm does not match its key.")
        return key

    def cached(self, url: str, kid: str, alg: str) -> Any | None:
        """The key if this process already holds it (fresh), else None; never fetches."""
        key_set = self._sets.get(url)
        if key_set is None or time.monotonic() - key_set.fetched > self._ttl:
            return None
        found = key_set.keys.get(kid)
        return found[1] if found is not None and found[0] == alg else None

    def _may_refetch(self, key_set: _KeySet, kid: str, now: float) -> bool:
        seen_unknown = key_set.unknown.get(kid)
        if seen_unknown is not None and now - seen_unknown < self._unknown_ttl:
            return False
        return now - key_set.refetched_at >= self._min_refetch

    def _load(self, url: str, now: float) -> tuple[_KeySet, bool]:
        """Return the key set from the shared cache, else from the platform (then ``True``)."""
        raw = self._shared.get(_cache_key(url))
        if raw is not None:
            return self._remember(url, _KeySet(now, _parse(json.loads(raw)))), False
        return self._fetch(url, now), True

    def _remember(self, url: str, key_set: _KeySet) -> _KeySet:
        with self._lock:
            previous = self._sets.get(url)
            if previous is not None:
                key_set.refetched_at = max(key_set.refetched_at, previous.refetched_at)
                key_set.unknown = previous.unknown
            self._sets[url] = key_set
        return key_set

    def _fetch(self, url: str, now: float) -> _KeySet:
        try:
            response = self._http.get(url)
            response.raise_for_status()
            document = response.json()
        except requests.Timeout as exc:
            raise PlatformKeyError(
                "The platform did not send its public keys in time; the launch cannot be checked."
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            raise PlatformKeyError(
                "The platform's public keys could not be fetched; the launch cannot be checked."
            ) from exc
        keys = _parse(document)
        if not keys:
            raise PlatformKeyError("The platform's key set holds no usable RSA keys.")
        self._shared.put(_cache_key(url), json.dumps(document), self._ttl)
        return self._remember(url, _KeySet(now, keys))


def _cache_key(url: str) -> str:
    return "jwks:" + hashlib.sha256(url.encode()).hexdigest()


def _parse(document: Any) -> dict[str, tuple[str, Any]]:
    keys: dict[str, tuple[str, Any]] = {}
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        return keys
    for jwk in entries:
        if not isinstance(jwk, Mapping) or jwk.get("kty") != "RSA":
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid or jwk.get("use", "sig") != "sig":
            continue
        alg = jwk.get("alg", "RS256")
        if alg not in ALLOWED_ALGORITHMS:
            continue
        try:
            keys[kid] = (alg, RSAAlgorithm.from_jwk(dict(jwk)))
        except (ValueError, KeyError, TypeError):
            continue
    return keys
