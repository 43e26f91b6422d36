"""When the database cannot be reached, pages say so with a 503 and ``Retry-After`` (not the
generic 500 page): a PostgreSQL server that refuses connections, and a SQLite file that cannot
be opened."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from ctom_lti import create_app
from ctom_lti.db import get_engine

LOGIN = {
    "iss": "https://canvas.instructure.com",
    "login_hint": "a1b2c3",
    "client_id": "10000000000001",
    "target_link_uri": "http://localhost/lti/launch",
}


def _refused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(params=["postgresql", "sqlite"])
def app_without_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{_refused_port()}/ctom"
    else:
        # A directory where the database file should be: SQLite cannot open it.
        (tmp_path / "ctom.sqlite3").mkdir()
        url = f"sqlite:///{tmp_path / 'ctom.sqlite3'}"
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "BASE_URL": "http://localhost",
            "INSECURE_TRANSPORT": True,
        }
    )
    yield app
    get_engine(app).dispose()


def test_a_launch_while_the_database_is_down_says_so_with_a_503(
    app_without_database: Flask,
) -> None:
    response = app_without_database.test_client().post("/lti/login", data=LOGIN)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "CTO Mentor cannot reach its database" in page
    assert "Try again in a minute" in page
    assert "Something went wrong on our side" not in page


def test_api_clients_get_the_outage_as_json(app_without_database: Flask) -> None:
    response = app_without_database.test_client().post(
        "/lti/login", data=LOGIN, headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.json is not None
    assert response.json["error"] == "CTO Mentor cannot reach its database"
