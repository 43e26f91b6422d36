"""Shared fixtures: a fresh database per test session, an app per test, network off by default.

Set ``CTOM_TEST_DATABASE_URL`` to a PostgreSQL server URL (e.g.
``postgresql+psycopg://postgres@127.0.0.1/postgres``) to run the suite against PostgreSQL; a
throw-away database is created on that server for the session. Set ``CTOM_TEST_REDIS_URL`` to
share launch state through Redis as production does. Without them the suite uses SQLite files
and the database-backed launch-state store.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ctom_lti import create_app
from ctom_lti.db import Model, get_engine, get_sessionmaker
from ctom_lti.schema import import_all_models

pytest_plugins: list[str] = ["tests.sandbox_fixtures", "tests.lti_fixtures"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in _LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but loopback: an unplanned network call fails loudly."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            raise RuntimeError(f"network access to {address!r} is blocked in tests")
        return real_connect(sock, address)

    def guarded_ex(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            raise RuntimeError(f"network access to {address!r} is blocked in tests")
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session (SQLite file or a fresh PostgreSQL db)."""
    server_url = os.environ.get("CTOM_TEST_DATABASE_URL")
    if not server_url:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url, tmp_path_factory.mktemp("migrate-instance"))
        yield url
        return
    admin = make_url(server_url)
    name = f"ctom_test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url, tmp_path_factory.mktemp("migrate-instance"))
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def _migrate(url: str, instance: Path) -> None:
    from ctom_lti import migrate

    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    migrate.upgrade(app)
    get_engine(app).dispose()


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """The settings every test app gets; tests may add to it before ``app`` is built."""
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "ENCRYPTION_KEY": None,
        "BASE_URL": "http://localhost",
        "INSECURE_TRANSPORT": True,
    }
    redis_url = os.environ.get("CTOM_TEST_REDIS_URL")
    if redis_url:
        config["REDIS_URL"] = redis_url
    return config


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app per test; every table is emptied afterwards so tests cannot see each other."""
    app = create_app(app_config)
    yield app
    _empty_all_tables(app)
    get_engine(app).dispose()


def _empty_all_tables(app: Flask) -> None:
    import_all_models()
    with get_engine(app).begin() as conn:
        for table in reversed(Model.metadata.sorted_tables):
            conn.execute(table.delete())
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        client.flushdb()
        client.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session outside any request, for arranging data and checking what was stored."""
    with get_sessionmaker(app)() as s:
        yield s
