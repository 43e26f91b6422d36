"""CLI for the local Canvas sandbox (``ctom-lti sandbox serve``)."""

from __future__ import annotations

import threading

import click

from ctom_lti.sandbox.server import SEEDS, SandboxServer


@click.group("sandbox")
def sandbox_group() -> None:
    """The local Canvas sandbox: a Canvas-compatible LTI platform and REST API."""


@sandbox_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8100, show_default=True, type=int, help="0 picks a free port.")
@click.option(
    "--admin-token",
    default=None,
    help="Fix the account-admin API token (for scripts); random when omitted.",
)
@click.option("--seed", type=click.Choice(SEEDS), default=None, help="Add the demo people.")
@click.option(
    "--no-course",
    is_flag=True,
    help="With --seed demo: people only, no cohort course.",
)
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0.0, show_default=True)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of API requests that fail: split evenly between 5xx, throttling and dropped "
    "connections.",
)
def serve_command(
    *,
    host: str,
    port: int,
    admin_token: str | None,
    seed: str | None,
    no_course: bool,
    latency_ms: float,
    fault_rate: float,
) -> None:
    """Run the sandbox until Ctrl-C; prints its base URL and the admin API token."""
    share = fault_rate / 3
    try:
        server = SandboxServer(
            host,
            port,
            admin_token=admin_token,
            seed=seed,
            seed_course=not no_course,
            latency_ms=latency_ms,
            error_rate=share,
            throttle_rate=share,
            drop_rate=share,
        )
    except OSError as exc:
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({exc.strerror}). Pick another --port, or 0 for "
            "any free port."
        ) from None
    stop = threading.Event()
    with server:
        click.echo(f"Sandbox Canvas running at {server.base_url}")
        click.echo(f"Account-admin API token: {server.admin_token}")
        if server.demo is not None and server.demo.course is not None:
            click.echo(f"Demo course: {server.base_url}/courses/{server.demo.course.id}")
        click.echo("Press Ctrl-C to stop.")
        try:
            stop.wait()
        except KeyboardInterrupt:
            click.echo("Stopping.")


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""
    group.add_command(sandbox_group)
