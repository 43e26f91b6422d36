"""Application configuration: defaults, then ``CTOM_*`` environment variables, then a test mapping.

Nothing here runs at import time; :func:`load_config` is called by ``create_app``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

#: Variables read from the environment (name without the ``CTOM_`` prefix) and how to parse them.
_ENV_PARSERS: dict[str, type] = {
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "REDIS_TIMEOUT": float,
    "SECRET_KEY": str,
    "BASE_URL": str,
    "ENCRYPTION_KEY": str,
    "PROXY_FIX": bool,
    "PROXY_FIX_HOPS": int,
    "CANVAS_URL": str,
    "LOG_LEVEL": str,
    "KEY_DIR": str,
    "MAX_CONTENT_LENGTH": int,
    "MAX_BODY_DRAIN": int,
    "INSECURE_TRANSPORT": bool,
    "LTI_FRAME_ANCESTORS": str,
}


def _parse_bool(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the embedded defaults; every one can be overridden by ``CTOM_<NAME>``."""
    return {
        # SQLite in the instance folder is the embedded default; production sets PostgreSQL.
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "ctom_lti.sqlite3"),
        # Without Redis, launch state and sessions live in the database (shared across workers).
        "REDIS_URL": None,
        # Seconds to wait for Redis to connect or reply before answering 503 (a frozen Redis
        # must not hold requests).
        "REDIS_TIMEOUT": 1.0,
        # None means "generate one and keep it in the instance folder" (see _ensure_secret_key).
        "SECRET_KEY": None,
        # Public base URL of the tool as Canvas reaches it, e.g. https://ctom.example.edu
        "BASE_URL": "http://localhost:5000",
        # Fernet key for stored Canvas API tokens; generated into the instance folder if unset.
        "ENCRYPTION_KEY": None,
        "PROXY_FIX": False,
        "PROXY_FIX_HOPS": 1,
        "CANVAS_URL": None,
        "LOG_LEVEL": "INFO",
        # Where the tool's RSA key pairs live (private keys never leave this folder).
        "KEY_DIR": str(Path(instance_path) / "keys"),
        # Launch forms are small; a megabyte is generous and stops oversized bodies early.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        # A refused body is still read up to this many bytes, so the client sees the 413 page
        # rather than a connection reset (ctom_lti.body_limit).
        "MAX_BODY_DRAIN": 8 * 1024 * 1024,
        "MAX_FORM_PARTS": 200,
        # Local demo and tests run over plain HTTP on loopback.
        "INSECURE_TRANSPORT": False,
        # Extra origins allowed to frame the tool (space-separated), e.g. a Canvas custom domain.
        "LTI_FRAME_ANCESTORS": "",
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_NAME": "ctom_session",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "None",
        "SESSION_COOKIE_HTTPONLY": True,
    }


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, then the environment, then ``test_config``."""
    app.config.update(defaults(app.instance_path))
    for name, parser in _ENV_PARSERS.items():
        raw = os.environ.get(f"CTOM_{name}")
        if raw is None or raw == "":
            continue
        if parser is bool:
            app.config[name] = _parse_bool(raw)
        else:
            app.config[name] = parser(raw)
    if test_config:
        app.config.update(test_config)
    _ensure_secret_key(app)


def _ensure_secret_key(app: Flask) -> None:
    """Use ``CTOM_SECRET_KEY`` if given, else a key generated once into the instance folder.

    Generating it once (rather than per process) keeps several workers and restarts agreeing on
    signed values.
    """
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        import secrets

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = path.read_text().strip()
