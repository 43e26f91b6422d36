"""The application core: configuration, proxy handling, error pages, schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, abort, request

from ctom_lti import create_app, migrate
from ctom_lti.errors import Conflict, Unprocessable


def test_environment_overrides_defaults_and_test_config_overrides_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CTOM_BASE_URL", "https://ctom.example.edu")
    monkeypatch.setenv("CTOM_REDIS_URL", "redis://cache.internal:6379/3")
    monkeypatch.setenv("CTOM_PROXY_FIX", "true")
    monkeypatch.setenv("CTOM_PROXY_FIX_HOPS", "2")
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "REDIS_URL": None, "DATABASE_URL": "sqlite://"}
    )
    assert app.config["BASE_URL"] == "https://ctom.example.edu"
    assert app.config["REDIS_URL"] is None
    assert app.config["PROXY_FIX"] is True
    assert app.config["PROXY_FIX_HOPS"] == 2


def test_default_database_is_sqlite_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CTOM_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/ctom_lti.sqlite3"


def test_generated_secret_key_is_kept_so_every_worker_agrees(tmp_path: Path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def _probe_app(app_config: dict[str, Any], **extra: Any) -> Flask:
    app = create_app({**app_config, **extra})

    @app.get("/_probe/scheme")
    def scheme() -> str:
        return f"{request.scheme}://{request.host}"

    @app.get("/_probe/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    @app.get("/_probe/conflict")
    def conflict() -> str:
        raise Conflict()

    @app.get("/_probe/invalid")
    def invalid() -> str:
        raise Unprocessable("The district name is required.", hint="Fill in your district.")

    @app.get("/_probe/forbidden")
    def forbidden() -> str:
        abort(403)

    return app


def test_proxy_headers_are_trusted_only_when_enabled(app_config: dict[str, Any]) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "ctom.example.edu"}
    off = _probe_app(app_config).test_client().get("/_probe/scheme", headers=headers)
    on = _probe_app(app_config, PROXY_FIX=True).test_client().get("/_probe/scheme", headers=headers)
    assert off.text == "http://localhost"
    assert on.text == "https://ctom.example.edu"


def test_unknown_page_says_what_happened_and_what_to_do(app_config: dict[str, Any]) -> None:
    response = _probe_app(app_config).test_client().get("/no/such/page")
    assert response.status_code == 404
    assert "Not Found" in response.text
    assert "What to do:" in response.text


def test_unexpected_error_is_a_friendly_500_without_internals(
    app_config: dict[str, Any],
) -> None:
    response = _probe_app(app_config).test_client().get("/_probe/boom")
    assert response.status_code == 500
    assert "Nothing you entered was lost" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/_probe/conflict", 409, "Changed by someone else"),
        ("/_probe/invalid", 422, "The district name is required."),
        ("/_probe/forbidden", 403, "What to do:"),
    ],
)
def test_expected_errors_map_to_fitting_statuses(
    app_config: dict[str, Any], path: str, status: int, text: str
) -> None:
    response = _probe_app(app_config).test_client().get(path)
    assert response.status_code == status
    assert text in response.text


def test_api_clients_get_json_errors(app_config: dict[str, Any]) -> None:
    response = (
        _probe_app(app_config)
        .test_client()
        .get("/_probe/invalid", headers={"Accept": "application/json"})
    )
    assert response.status_code == 422
    assert response.json == {
        "error": "Please check what you entered",
        "message": "The district name is required.",
        "hint": "Fill in your district.",
    }


def test_migrated_database_is_at_every_head(app: Flask) -> None:
    at, heads = migrate.current_heads(app)
    assert at == heads
    assert heads


def test_upgrade_is_idempotent(app: Flask) -> None:
    migrate.upgrade(app)
    at, heads = migrate.current_heads(app)
    assert at == heads
