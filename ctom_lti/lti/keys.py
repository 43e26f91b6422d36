"""The tool's RSA signing keys, kept in ``KEY_DIR`` (by default ``<instance>/keys``).

Layout: one ``<kid>.pem`` per key (PKCS#8, mode 0600) and a ``current`` file naming the key that
signs. ``keys rotate`` adds a new current key; the old ones stay in the published key set (so
tokens Canvas already holds still verify) until ``keys remove KID``. The key id is the creation
time plus a fingerprint, e.g. ``20251122T071500Z-3fa9c2d1``: sortable and unique, and Canvas
requires a ``kid`` on every key in a JWKS URL (canvas-lti.md §10.6).

Workers notice rotations made by the CLI because the key folder's modification time changes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from ctom_lti.errors import CtomError

_CURRENT = "current"
_KEY_SIZE = 2048


class KeyringError(CtomError):
    """A key operation that cannot be done (unknown kid, removing the current key...)."""

    status = 503
    title = "CTO Mentor is not set up yet"
    hint = "An administrator must create the tool's signing key with `ctom-lti init`."


@dataclass(frozen=True)
class ToolKey:
    """One of the tool's key pairs."""

    kid: str
    private_key: rsa.RSAPrivateKey
    created: datetime
    current: bool

    def public_jwk(self) -> dict[str, str]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "e": _b64_uint(numbers.e),
            "n": _b64_uint(numbers.n),
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        }


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _new_kid(private_key: rsa.RSAPrivateKey, now: datetime) -> str:
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + hashlib.sha256(der).hexdigest()[:8]


def _created_from_kid(kid: str) -> datetime:
    try:
        return datetime.strptime(kid.split("-", 1)[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(0, UTC)


def _valid_kid(kid: str) -> bool:
    return bool(kid) and all(c.isalnum() or c in "-_" for c in kid) and len(kid) <= 64


class Keyring:
    """The key folder, loaded once per process and reloaded when the folder changes."""

    def __init__(self, key_dir: str | os.PathLike[str]) -> None:
        self.key_dir = Path(key_dir)
        self._lock = threading.Lock()
        self._stamp: int | None = None
        self._keys: tuple[ToolKey, ...] = ()
        self._jwks_json: bytes = b'{"keys":[]}'

    # -- reading ---------------------------------------------------------------------------
    def all_keys(self) -> tuple[ToolKey, ...]:
        """All keys: the current one first, then newest first."""
        self._refresh()
        return self._keys

    def current(self) -> ToolKey:
        """The key that signs; raises if the tool has no key yet (run ``ctom-lti init``)."""
        for key in self.all_keys():
            if key.current:
                return key
        raise KeyringError("The tool has no signing key yet. Run `ctom-lti init`.")

    def jwks_json(self) -> bytes:
        """The public key set, serialised once per change of the folder."""
        self._refresh()
        return self._jwks_json

    def _folder_stamp(self) -> int | None:
        try:
            return os.stat(self.key_dir).st_mtime_ns
        except FileNotFoundError:
            return None

    def _refresh(self) -> None:
        stamp = self._folder_stamp()
        if stamp == self._stamp and self._stamp is not None:
            return
        with self._lock:
            if stamp == self._stamp and self._stamp is not None:
                return
            self._keys = self._load()
            self._jwks_json = json.dumps(
                {"keys": [k.public_jwk() for k in self._keys]}, separators=(",", ":")
            ).encode()
            self._stamp = stamp

    def _load(self) -> tuple[ToolKey, ...]:
        if not self.key_dir.is_dir():
            return ()
        current_path = self.key_dir / _CURRENT
        current = current_path.read_text().strip() if current_path.exists() else ""
        found = []
        for path in self.key_dir.glob("*.pem"):
            kid = path.stem
            if not _valid_kid(kid):
                continue
            private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(private_key, rsa.RSAPrivateKey):
                continue
            key = ToolKey(kid, private_key, _created_from_kid(kid), kid == current)
            found.append((key.current, key.created, path.stat().st_mtime_ns, key))
        # Current key first, then newest first (two keys made in one second: file age decides).
        found.sort(key=lambda entry: entry[:3], reverse=True)
        return tuple(entry[3] for entry in found)

    # -- changing --------------------------------------------------------------------------
    def ensure_current(self) -> tuple[str, bool]:
        """Return (kid, created): the current key, generating the first one if needed."""
        try:
            return self.current().kid, False
        except KeyringError:
            return self.rotate(), True

    def rotate(self) -> str:
        """Generate a new key and make it current; older keys stay published."""
        self.key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
        kid = _new_kid(private_key, datetime.now(UTC))
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(self.key_dir / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        self._write_current(kid)
        return kid

    def remove(self, kid: str) -> None:
        """Stop publishing ``kid`` and delete its private key; the current key cannot go."""
        known = {k.kid: k for k in self.all_keys()}
        if kid not in known:
            raise KeyringError(f"No key with id {kid!r}. See `ctom-lti keys list`.")
        if known[kid].current:
            raise KeyringError(
                f"{kid} is the current signing key. Run `ctom-lti keys rotate` first, then "
                "remove it once Canvas no longer needs it."
            )
        (self.key_dir / f"{kid}.pem").unlink()
        self._touch()

    def _write_current(self, kid: str) -> None:
        tmp = self.key_dir / f".{_CURRENT}.tmp"
        tmp.write_text(kid + "\n")
        os.replace(tmp, self.key_dir / _CURRENT)
        self._touch()

    def _touch(self) -> None:
        # Some filesystems keep a coarse directory mtime; bumping it explicitly makes sure every
        # worker sees the change on its next request.
        now = datetime.now(UTC).timestamp()
        os.utime(self.key_dir, (now, now))
        self._stamp = None


def get_keyring(app: Flask) -> Keyring:
    """The app's keyring (one per app, created on first use)."""
    keyring: Keyring | None = app.extensions.get("ctom.keyring")
    if keyring is None or str(keyring.key_dir) != str(app.config["KEY_DIR"]):
        keyring = Keyring(app.config["KEY_DIR"])
        app.extensions["ctom.keyring"] = keyring
    return keyring


def ensure_current_key(app: Flask) -> tuple[str, bool]:
    """Return (kid of the current key, whether it was just generated)."""
    return get_keyring(app).ensure_current()
