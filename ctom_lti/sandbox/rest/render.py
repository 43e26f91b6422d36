"""JSON pieces several endpoints share: absolute URLs on the caller's host, users, timestamps."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import request

from ctom_lti.sandbox.store import User
from ctom_lti.sandbox.timestamps import iso


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


def user_json(
    user: User,
    *,
    include_email: bool = False,
    asked: Collection[str] | None = None,
    personal: bool = True,
) -> dict[str, Any]:
    """User JSON (canvas-rest.md §4.2); the caller is an admin, so SIS fields are shown.

    ``asked``: the request's ``include[]`` where, as on ``/courses/:id/users``, Canvas sends
    ``first_name``/``last_name``/``locale`` only when asked for them [I: the include names];
    ``None`` keeps them always. ``personal=False`` leaves out ``login_id`` and ``email``.
    """
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
    if asked is not None:
        for name in ("first_name", "last_name", "locale"):
            if name not in asked:
                del data[name]
    if include_email:
        data["email"] = user.email
    if not personal:
        data.pop("login_id")
        data.pop("email", None)
    return data
