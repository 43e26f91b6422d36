"""The tool's RSA signing keys, kept in the instance folder."""

from __future__ import annotations

from flask import Flask


def ensure_current_key(app: Flask) -> tuple[str, bool]:
    """Return (kid of the current key, whether it was just generated)."""
    raise NotImplementedError
