"""CLI for registrations and keys: ``platform add|list|remove`` and ``keys rotate|list|remove``."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ctom_lti.db import session_scope
from ctom_lti.lti.config_json import JWKS_PATH, LOGIN_PATH, redirect_uris
from ctom_lti.lti.keys import KeyringError, get_keyring
from ctom_lti.lti.registrations import (
    RegistrationError,
    RegistrationInput,
    list_platforms,
    register_platform,
    remove_platform,
)
from ctom_lti.lti.runtime import get_runtime


def _read_canvas_token() -> str | None:
    """The Canvas API token: ``CTOM_CANVAS_TOKEN``, else standard input (never an argument,
    which would end up in shell history and process lists)."""
    token = os.environ.get("CTOM_CANVAS_TOKEN")
    if token:
        return token.strip()
    if sys.stdin is None:
        return None
    if sys.stdin.isatty():
        entered: str = click.prompt(
            "Canvas API token (input hidden; leave empty to skip)",
            hide_input=True,
            default="",
            show_default=False,
        )
        return entered.strip() or None
    return sys.stdin.read().strip() or None


@click.group("platform")
def platform_group() -> None:
    """Register Canvas instances (LTI 1.3 developer keys) and their deployments."""


@platform_group.command("add")
@click.option("--issuer", required=True, help="LTI issuer, e.g. https://canvas.instructure.com")
@click.option("--client-id", required=True, help="The developer key's client id.")
@click.option("--auth-login-url", required=True, help="Platform OIDC authorization endpoint.")
@click.option("--auth-token-url", required=True, help="Platform OAuth2 token endpoint.")
@click.option("--key-set-url", required=True, help="Platform public key set (JWKS) URL.")
@click.option(
    "--deployment-id", "deployment_ids", multiple=True, help="A deployment id (repeatable)."
)
@click.option("--auth-audience", default=None, help="Token 'aud' if not the token URL.")
@click.option("--name", default=None, help="A name for people, e.g. the institution.")
@click.option(
    "--canvas-url",
    default=None,
    help="Canvas REST base URL for sync; the API token is read from CTOM_CANVAS_TOKEN or "
    "standard input.",
)
@with_appcontext
def platform_add(
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: tuple[str, ...],
    auth_audience: str | None,
    name: str | None,
    canvas_url: str | None,
) -> None:
    """Register a developer key, or update it and add deployment ids."""
    token = _read_canvas_token() if canvas_url else None
    given = RegistrationInput(
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        auth_login_url=auth_login_url.strip(),
        auth_token_url=auth_token_url.strip(),
        key_set_url=key_set_url.strip(),
        deployment_ids=tuple(d.strip() for d in deployment_ids),
        auth_audience=auth_audience,
        name=name,
        canvas_url=canvas_url,
        canvas_token=token,
    )
    try:
        result = register_platform(current_app, given)
    except RegistrationError as exc:
        raise click.ClickException(str(exc)) from exc
    verb = "Registered" if result.created else "Updated"
    click.echo(f"{verb} platform #{result.platform_id}: {issuer} client_id={client_id}")
    if result.added_deployments:
        click.echo("Added deployment ids: " + ", ".join(result.added_deployments))
    if token:
        click.echo("Stored the Canvas API token (encrypted; it will not be shown again).")
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    click.echo("Tool endpoints for this developer key:")
    click.echo(f"  OIDC login URL:  {base}{LOGIN_PATH}")
    click.echo(f"  Redirect URI:    {redirect_uris(base)[0]}")
    click.echo(f"  Public JWK URL:  {base}{JWKS_PATH}")


@platform_group.command("list")
@with_appcontext
def platform_list() -> None:
    """List registrations and their deployment ids (tokens are never shown)."""
    with session_scope(current_app) as session:
        platforms = list_platforms(session)
    if not platforms:
        click.echo("No platforms registered. Add one with `ctom-lti platform add`.")
        return
    for p in platforms:
        label = f" ({p.name})" if p.name else ""
        click.echo(f"#{p.id} {p.issuer} client_id={p.client_id}{label}")
        click.echo(f"    login {p.auth_login_url}")
        click.echo(f"    token {p.auth_token_url}")
        click.echo(f"    jwks  {p.key_set_url}")
        if p.canvas_url:
            token = "token stored" if p.has_canvas_token else "no token"
            click.echo(f"    canvas {p.canvas_url} ({token})")
        deployments = ", ".join(p.deployment_ids) if p.deployment_ids else "none"
        click.echo(f"    deployments: {deployments}")


@platform_group.command("remove")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option(
    "--deployment-id",
    "deployment_ids",
    multiple=True,
    help="Remove only these deployment ids (repeatable); without it the registration goes.",
)
@click.option(
    "--delete-people",
    is_flag=True,
    help="Also delete the people, cohorts and records that came through this registration.",
)
@with_appcontext
def platform_remove(
    *, issuer: str, client_id: str, deployment_ids: tuple[str, ...], delete_people: bool
) -> None:
    """Remove a registration or some of its deployment ids; launches through them stop at once."""
    try:
        with session_scope(current_app) as session:
            removed = remove_platform(
                session, issuer, client_id, deployment_ids, delete_people=delete_people
            )
    except RegistrationError as exc:
        raise click.ClickException(str(exc)) from exc
    if removed is None:
        raise click.ClickException(
            f"No platform {issuer} client_id={client_id} is registered. See `ctom-lti platform "
            "list`."
        )
    get_runtime(current_app).registry.invalidate()
    if deployment_ids:
        missing = sorted(set(deployment_ids) - set(removed))
        click.echo("Removed deployment ids: " + (", ".join(removed) or "none"))
        if missing:
            click.echo("Not registered (nothing to remove): " + ", ".join(missing))
    else:
        click.echo(f"Removed platform {issuer} client_id={client_id}.")


@click.group("keys")
def keys_group() -> None:
    """The tool's signing keys (published at /.well-known/jwks.json)."""


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Add a new current signing key; older keys stay published until removed."""
    kid = get_keyring(current_app).rotate()
    click.echo(f"New current signing key: {kid}")
    click.echo("Older keys stay published. Remove one with `ctom-lti keys remove KID` once Canvas")
    click.echo("no longer needs it (after its cached key sets expire, e.g. a day later).")


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    """List the tool's keys, newest first."""
    keys = get_keyring(current_app).all_keys()
    if not keys:
        click.echo("No keys yet. Run `ctom-lti init`.")
        return
    for key in keys:
        mark = "current" if key.current else "published"
        click.echo(f"{key.kid}  created {key.created:%Y-%m-%d %H:%M:%SZ}  {mark}")


@keys_group.command("remove")
@click.argument("kid")
@with_appcontext
def keys_remove(kid: str) -> None:
    """Stop publishing key KID and delete it."""
    try:
        get_keyring(current_app).remove(kid)
    except KeyringError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Removed key {kid}.")


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""
    group.add_command(platform_group)
    group.add_command(keys_group)
