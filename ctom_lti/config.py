"""Application configuration: the one loader of settings.

Every setting is declared once, as a :class:`Setting` with its default: the core ones below, the
LTI layer's in ``ctom_lti/lti/settings.py``, and each feature's in its package (``settings`` on
its feature declaration). :func:`load_config` fills ``app.config`` from the defaults, then the
``CTOM_<NAME>`` environment variables, then the mapping given to ``create_app``. Nothing here runs
at import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask


def parse_bool(raw: str) -> bool:
    """``1``, ``true``, ``yes`` and ``on`` (any case) are true; anything else is false."""
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    """One setting: its ``app.config`` name (read from ``CTOM_<name>``), default and parser."""

    name: str
    default: Any
    #: Turns the environment's text into the value (``parse_bool`` for flags).
    parse: Callable[[str], Any] = str
    #: A default that depends on the instance folder (given its path); wins over ``default``.
    instance_default: Callable[[str], Any] | None = None

    def default_for(self, instance_path: str) -> Any:
        if self.instance_default is not None:
            return self.instance_default(instance_path)
        return self.default


#: The application's own settings; each can be set with ``CTOM_<NAME>``.
CORE_SETTINGS: tuple[Setting, ...] = (
    # SQLite in the instance folder is the embedded default; production sets PostgreSQL.
    Setting(
        "DATABASE_URL",
        None,
        instance_default=lambda path: "sqlite:///" + str(Path(path) / "ctom_lti.sqlite3"),
    ),
    # Without Redis, launch state and sessions live in the database (shared across workers).
    Setting("REDIS_URL", None),
    # Seconds to wait for Redis to connect or reply before answering 503 (a frozen Redis must
    # not hold requests).
    Setting("REDIS_TIMEOUT", 1.0, float),
    # None means "generate one and keep it in the instance folder" (see _ensure_secret_key).
    Setting("SECRET_KEY", None),
    # Public base URL of the tool as Canvas reaches it, e.g. https://ctom.example.edu
    Setting("BASE_URL", "http://localhost:5000"),
    # Fernet key for stored Canvas API tokens; generated into the instance folder if unset.
    Setting("ENCRYPTION_KEY", None),
    Setting("PROXY_FIX", False, parse_bool),
    Setting("PROXY_FIX_HOPS", 1, int),
    Setting("CANVAS_URL", None),
    Setting("LOG_LEVEL", "INFO"),
    # Where the tool's RSA key pairs live (private keys never leave this folder).
    Setting("KEY_DIR", None, instance_default=lambda path: str(Path(path) / "keys")),
    # Launch forms are small; a megabyte is generous and stops oversized bodies early.
    Setting("MAX_CONTENT_LENGTH", 1024 * 1024, int),
    # A refused body is still read up to this many bytes, so the client sees the 413 page
    # rather than a connection reset (ctom_lti.body_limit).
    Setting("MAX_BODY_DRAIN", 8 * 1024 * 1024, int),
    # Local demo and tests run over plain HTTP on loopback.
    Setting("INSECURE_TRANSPORT", False, parse_bool),
)

#: Flask and extension settings the tool fixes (not read from the environment).
FIXED_SETTINGS: Mapping[str, Any] = {
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    "MAX_FORM_PARTS": 200,
    "WTF_CSRF_TIME_LIMIT": None,
    # CSRF tokens live in the server-side session. Flask-WTF's strict mode also demands a
    # Referer on HTTPS, which this tool suppresses on purpose (the session token can be in URLs).
    "WTF_CSRF_SSL_STRICT": False,
    "SESSION_COOKIE_NAME": "ctom_session",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "None",
    "SESSION_COOKIE_HTTPONLY": True,
}


def defaults(instance_path: str, settings: Iterable[Setting] = ()) -> dict[str, Any]:
    """The default of every setting (core first, then ``settings``), before the environment."""
    values = dict(FIXED_SETTINGS)
    for setting in (*CORE_SETTINGS, *settings):
        values[setting.name] = setting.default_for(instance_path)
    return values


def load_config(
    app: Flask, test_config: Mapping[str, Any] | None, settings: Iterable[Setting] = ()
) -> None:
    """Fill ``app.config`` from defaults, then ``CTOM_*`` variables, then ``test_config``.

    :param settings: the settings declared by the LTI layer and the features, besides the core.
    :raises ValueError: two declarations of one setting (one of them would be dead).
    """
    declared = (*CORE_SETTINGS, *settings)
    names = [s.name for s in declared]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"settings declared twice: {', '.join(twice)}")
    app.config.update(FIXED_SETTINGS)
    for setting in declared:
        raw = os.environ.get(f"CTOM_{setting.name}")
        if raw is None or raw == "":
            app.config[setting.name] = setting.default_for(app.instance_path)
        else:
            app.config[setting.name] = setting.parse(raw)
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
