"""Registrations (platform + client id) and their deployment ids: the admin's service.

A registration is keyed by ``(issuer, client_id)``: every Canvas Cloud tenant shares the issuer
``https://canvas.instructure.com``, so the client id tells them apart (canvas-lti.md §1.1).
A registration may carry the institution's Canvas REST base URL and an API token for sync; the
token is Fernet-encrypted with ``ENCRYPTION_KEY`` and never shown again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ctom_lti.errors import Unprocessable
from ctom_lti.lti.tool_config import instructure_hosted
from ctom_lti.models import AuditEvent, Deployment, Person, Platform


class RegistrationError(Unprocessable):
    """Input that cannot be registered, with a message that says what to fix."""


@dataclass(frozen=True)
class RegistrationInput:
    """What an admin supplies to register (or update) a platform."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...] = ()
    auth_audience: str | None = None
    name: str | None = None
    canvas_url: str | None = None
    canvas_token: str | None = None


@dataclass(frozen=True)
class PlatformSummary:
    """A registration as listed to admins (never the token itself)."""

    id: int
    issuer: str
    client_id: str
    name: str | None
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    canvas_url: str | None
    has_canvas_token: bool
    deployment_ids: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AddResult:
    platform_id: int
    created: bool
    added_deployments: tuple[str, ...]


def _check_url(label: str, value: str | None, *, required: bool = True) -> list[str]:
    if not value:
        return [f"{label} is required."] if required else []
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return [f"{label} must be an absolute http(s) URL, got {value!r}."]
    if len(value) > 1024:
        return [f"{label} is longer than 1024 characters."]
    return []


def validate_input(given: RegistrationInput) -> list[str]:
    """Return every problem with ``given`` (empty when it can be saved)."""
    problems = _check_url("--issuer", given.issuer)
    if (
        not given.client_id
        or len(given.client_id) > 255
        or given.client_id.strip() != (given.client_id)
    ):
        problems.append("--client-id must be 1-255 characters without surrounding spaces.")
    problems += _check_url("--auth-login-url", given.auth_login_url)
    problems += _check_url("--auth-token-url", given.auth_token_url)
    problems += _check_url("--key-set-url", given.key_set_url)
    problems += _check_url("--auth-audience", given.auth_audience, required=False)
    problems += _check_url("--canvas-url", given.canvas_url, required=False)
    for dep in given.deployment_ids:
        if not dep or len(dep) > 255 or dep.strip() != dep:
            problems.append(f"--deployment-id {dep!r} must be 1-255 characters without spaces.")
    if given.canvas_token and not given.canvas_url:
        problems.append("A Canvas API token needs --canvas-url too.")
    return problems


def add_platform(session: Session, given: RegistrationInput, fernet: Fernet) -> AddResult:
    """Create the registration, or update it and add deployment ids if it exists.

    :raises RegistrationError: when the input is invalid.
    """
    problems = validate_input(given)
    if problems:
        raise RegistrationError(" ".join(problems))
    platform = session.scalar(
        select(Platform)
        .where(Platform.issuer == given.issuer, Platform.client_id == given.client_id)
        .options(selectinload(Platform.deployments))
    )
    stored_canvas_url = platform.canvas_url if platform is not None else None
    if not (given.canvas_url or stored_canvas_url) and instructure_hosted(given.auth_login_url):
        raise RegistrationError(
            "Canvas Cloud registrations need --canvas-url: your school's Canvas address, e.g. "
            "https://school.instructure.com (the tool lets only that host show it in a frame). "
            "Leave the API token empty if the tool should not call the Canvas API."
        )
    created = platform is None
    if platform is None:
        platform = Platform(issuer=given.issuer, client_id=given.client_id)
        session.add(platform)
    platform.auth_login_url = given.auth_login_url
    platform.auth_token_url = given.auth_token_url
    platform.key_set_url = given.key_set_url
    if given.auth_audience is not None:
        platform.auth_audience = given.auth_audience
    if given.name is not None:
        platform.name = given.name
    if given.canvas_url is not None:
        platform.canvas_url = given.canvas_url.rstrip("/")
    if given.canvas_token:
        platform.canvas_token_encrypted = fernet.encrypt(given.canvas_token.encode()).decode()
    known = {d.deployment_id for d in platform.deployments} if not created else set()
    added = tuple(dict.fromkeys(d for d in given.deployment_ids if d not in known))
    for dep in added:
        platform.deployments.append(Deployment(deployment_id=dep))
    session.add(
        AuditEvent(
            action="platform.add" if created else "platform.update",
            subject=_subject(given.issuer, given.client_id),
            # Never the token itself: only whether one was stored.
            detail={
                "deployment_ids_added": list(added),
                "canvas_url": platform.canvas_url,
                "canvas_token_set": bool(given.canvas_token),
            },
        )
    )
    session.flush()
    return AddResult(platform.id, created, added)


def register_platform(app: Flask, given: RegistrationInput) -> AddResult:
    """Register (or update) a platform in ``app``'s database, committed, and make launches see
    it at once: what ``ctom-lti platform add`` does, and what the demo and tests do in its place.

    :raises RegistrationError: when the input is invalid.
    """
    from ctom_lti.db import session_scope
    from ctom_lti.lti.runtime import get_runtime

    with session_scope(app) as session:
        result = add_platform(session, given, get_fernet(app))
    get_runtime(app).registry.invalidate()
    return result


def _subject(issuer: str, client_id: str) -> str:
    return f"{issuer} client_id={client_id}"


def list_platforms(session: Session) -> list[PlatformSummary]:
    platforms = session.scalars(
        select(Platform).options(selectinload(Platform.deployments)).order_by(Platform.id)
    )
    return [
        PlatformSummary(
            id=p.id,
            issuer=p.issuer,
            client_id=p.client_id,
            name=p.name,
            auth_login_url=p.auth_login_url,
            auth_token_url=p.auth_token_url,
            key_set_url=p.key_set_url,
            canvas_url=p.canvas_url,
            has_canvas_token=bool(p.canvas_token_encrypted),
            deployment_ids=tuple(sorted(d.deployment_id for d in p.deployments)),
        )
        for p in platforms
    ]


def remove_platform(
    session: Session,
    issuer: str,
    client_id: str,
    deployment_ids: tuple[str, ...] = (),
    *,
    delete_people: bool = False,
) -> tuple[str, ...] | None:
    """Remove the given deployment ids, or the whole registration when none are given.

    Returns the deployment ids removed (all of them for a whole registration), or None when the
    registration does not exist. Removing a whole registration would also remove its people,
    cohorts, memberships and what they wrote (the database cascades), so it is refused while
    people exist unless ``delete_people`` is set; removing every deployment id stops launches
    and keeps the records.

    :raises RegistrationError: when people would be deleted without ``delete_people``.
    """
    platform = session.scalar(
        select(Platform)
        .where(Platform.issuer == issuer, Platform.client_id == client_id)
        .options(selectinload(Platform.deployments))
    )
    if platform is None:
        return None
    if not deployment_ids:
        people = session.scalar(
            select(func.count()).select_from(Person).where(Person.platform_id == platform.id)
        )
        if people and not delete_people:
            raise RegistrationError(
                f"{people} people have launched the tool through this registration; removing "
                "it would delete them and everything they wrote. To stop launches and keep "
                "their records, remove its deployment ids instead (--deployment-id ...). To "
                "delete everything, add --delete-people."
            )
        removed = tuple(sorted(d.deployment_id for d in platform.deployments))
        session.delete(platform)
        session.add(
            AuditEvent(
                action="platform.remove",
                subject=_subject(issuer, client_id),
                detail={"deployment_ids_removed": list(removed), "people_deleted": people or 0},
            )
        )
        session.flush()
        return removed
    gone = []
    for dep in list(platform.deployments):
        if dep.deployment_id in deployment_ids:
            platform.deployments.remove(dep)
            gone.append(dep.deployment_id)
    if gone:
        session.add(
            AuditEvent(
                action="platform.remove_deployments",
                subject=_subject(issuer, client_id),
                detail={"deployment_ids_removed": gone},
            )
        )
    session.flush()
    return tuple(gone)


def canvas_credentials(
    session: Session, platform_id: int, fernet: Fernet
) -> tuple[str, str] | None:
    """Return (Canvas REST base URL, API token) for a registration, when both are stored."""
    platform = session.get(Platform, platform_id)
    if platform is None or not platform.canvas_url or not platform.canvas_token_encrypted:
        return None
    try:
        token = fernet.decrypt(platform.canvas_token_encrypted.encode()).decode()
    except InvalidToken as exc:
        raise RegistrationError(
            "The stored Canvas token cannot be decrypted: ENCRYPTION_KEY changed. Store the "
            "token again with `ctom-lti platform add ... --canvas-url URL`."
        ) from exc
    return platform.canvas_url, token


def get_fernet(app: Flask) -> Fernet:
    """The Fernet for stored secrets: ``CTOM_ENCRYPTION_KEY``, else a key generated once into
    the instance folder (like the secret key), so restarts and workers agree."""
    key = app.config.get("ENCRYPTION_KEY")
    if not key:
        path = Path(app.instance_path) / "encryption_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process won the race; read theirs
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(Fernet.generate_key())
        key = path.read_text().strip()
        app.config["ENCRYPTION_KEY"] = key
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as exc:
        raise RegistrationError(
            "ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes). "
            "Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from exc
