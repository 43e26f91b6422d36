"""JSON pieces several endpoints share: absolute URLs on the caller's host, users, timestamps."""

from __future__ import annotations

from typing import Any

from flask import request

from ctom_lti.sandbox.store import User, iso


def host() -> str:
    """``scheme://host[:port]`` exactly as the client addressed us (for html_url and links)."""
    return f"{request.scheme}://{request.host}"


def api_url(path: str) -> str:
    return f"{host()}/api/v1/{path.lstrip('/')}"


def ts(value: Any) -> str | None:
    return iso(value)


def user_summary(user: User) -> dict[str, Any]:
    """The abbreviated user inside enrollments and groups (canvas-rest.md §4.4)."""
    return {
        "id": user.id,
        "name": user.name,
        "created_at": iso(user.created_at),
        "sortable_name": user.sortable_name,
        "short_name": user.short_name,
        "sis_user_id": user.sis_user_id,
        "integration_id": user.integration_id,
        "login_id": user.login_id,
    }


def user_json(user: User, *, include_email: bool = False) -> dict[str, Any]:
    """User JSON (canvas-rest.md §4.2); the caller is an admin, so SIS fields are shown."""
    data = {
        "id": user.id,
        "name": user.name,
        "created_at": iso(user.created_at),
        "sortable_name": user.sortable_name,
        "short_name": user.short_name,
        "first_name": user.given_name,
        "last_name": user.family_name,
        "sis_user_id": user.sis_user_id,
        "integration_id": user.integration_id,
        "sis_import_id": None,
        "login_id": user.login_id,
        "locale": None,
    }
    if include_email:
        data["email"] = user.email
    return data
