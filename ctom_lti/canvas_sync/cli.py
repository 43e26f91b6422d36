"""``ctom-lti sync COHORT_FILE``: build or update a cohort's Canvas course.

Exit status: 0 when everything is in place, 1 when something failed in Canvas (the summary says
what to do), 2 when the cohort file, the spec or the options are wrong (nothing was sent).
The API token is read from standard input (``--token-stdin``) or ``CTOM_CANVAS_TOKEN``, else the
one stored with the cohort's registration is used; it is never printed or logged.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ctom_lti.canvas import make_canvas_gateway
from ctom_lti.canvas.errors import CanvasError
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.canvas_problems import canvas_problem
from ctom_lti.canvas_sync.report import SyncReport
from ctom_lti.canvas_sync.sync_inputs import SyncInputs, SyncOptions, fail_input, load_inputs
from ctom_lti.cohorts import CohortConfig
from ctom_lti.cohorts.cli import PLATFORM_OPTION_HELP, canvas_url_for, fail
from ctom_lti.errors import CtomError

EXIT_FAILED = 1


def _read_token(token_stdin: bool) -> str | None:
    if token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            fail_input("Error: --token-stdin was given but standard input had no token.")
        return token
    return os.environ.get("CTOM_CANVAS_TOKEN", "").strip() or None


def _canvas_url(app: Flask, options: SyncOptions, inputs: SyncInputs) -> str:
    url = canvas_url_for(app, inputs.cohort, options.canvas_url)
    if not url:
        fail_input(
            "Error: no Canvas address. Pass --canvas-url https://school.instructure.com or set "
            "CTOM_CANVAS_URL."
        )
    return url


def _gateway(app: Flask, url: str, options: SyncOptions, owner: int | None) -> CanvasGateway:
    """A gateway with the token given, else the one stored with the cohort's registration."""
    token = _read_token(options.token_stdin)
    if token:
        return make_canvas_gateway(url, token, concurrency=options.concurrency)
    if owner is not None:
        from ctom_lti.cohorts.canvas_access import registration_gateway
        from ctom_lti.db import session_scope
        from ctom_lti.lti.registrations import get_fernet

        try:
            with session_scope(app) as session:
                return registration_gateway(
                    session,
                    owner,
                    get_fernet(app),
                    what=f"the Canvas at {url}",
                    concurrency=options.concurrency,
                )
        except CtomError:
            pass  # no token stored either: say how to give one
    fail_input(
        "Error: no Canvas API token. Pipe it in with --token-stdin, set CTOM_CANVAS_TOKEN, or "
        "store one with the registration (`ctom-lti platform add ... --canvas-url URL`)."
    )


def _owner(app: Flask, url: str, options: SyncOptions) -> int | None:
    """The registration the cohort belongs to, checked before any Canvas call.

    None when no registration has this Canvas address: the course is still synced, but the
    tool cannot record the cohort until the Canvas instance is registered.
    """
    from ctom_lti.cohorts.tenancy import registration_for, registrations_with_canvas_url
    from ctom_lti.db import session_scope

    try:
        with session_scope(app) as session:
            if options.platform is None and not registrations_with_canvas_url(session, url):
                return None
            return registration_for(session, url, options.platform).id
    except CtomError as exc:
        fail(exc.message, exc.hint)


def _record_cohort(app: Flask, owner: int | None, url: str, cohort: CohortConfig) -> int | None:
    """Store the cohort file's calendar on the tool's cohort; its id (None: no registration)."""
    from ctom_lti.cohorts.records import record_cohort
    from ctom_lti.db import session_scope
    from ctom_lti.models import Platform

    if owner is None:
        return None
    with session_scope(app) as session:
        platform = session.get(Platform, owner)
        assert platform is not None  # checked before the first Canvas call
        return record_cohort(session, platform, cohort, canvas_url=url).id


def _tool_pairings(
    app: Flask, session: Any, cohort_id: int | None, gateway: CanvasGateway
) -> Any | None:
    """The tool's own pairings of the cohort when a feature keeps them (the source of truth);
    None to use the cohort file's ``[[pairings]]``."""
    from ctom_lti.canvas_sync import PAIRING_SOURCE

    source = app.extensions.get(PAIRING_SOURCE)
    if source is None or cohort_id is None:
        return None
    return source(session, cohort_id, gateway)


class _Progress:
    """A progress bar on a terminal; nothing otherwise (or with --json)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def start(self, plan: Any) -> None:
        if self.enabled and plan.writes:
            from tqdm import tqdm  # type: ignore[import-untyped]

            self.bar = tqdm(total=len(plan.writes), unit="change", file=sys.stderr, leave=False)

    def step(self, _outcome: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run(
    app: Flask,
    options: SyncOptions,
    inputs: SyncInputs,
    gateway: CanvasGateway,
    owner: int | None,
) -> SyncReport:
    from ctom_lti.canvas_sync import Scope, plan_course, sync_course
    from ctom_lti.canvas_sync.report import format_plan_table
    from ctom_lti.db import session_scope

    scope = Scope.PAIRINGS if options.pairings_only else Scope.FULL
    common: dict[str, Any] = {
        "tool_base_url": inputs.tool_base_url,
        "spec": inputs.spec,
        "prune": options.prune,
        "scope": scope,
    }
    progress = _Progress(enabled=not options.as_json and sys.stderr.isatty())
    try:
        with session_scope(app) as session:
            if options.dry_run:
                planned = plan_course(session, gateway, inputs.cohort, **common)
                if not options.as_json:
                    click.echo(format_plan_table(planned.plan))
                    click.echo("")
                return planned.report
            cohort_id = _record_cohort(app, owner, gateway.base_url, inputs.cohort)
            tool_pairings = _tool_pairings(app, session, cohort_id, gateway)
            if tool_pairings is not None:
                common["pairings"] = tool_pairings
            return sync_course(
                session,
                gateway,
                inputs.cohort,
                concurrency=options.concurrency,
                on_plan=progress.start,
                progress=progress.step,
                cohort_id=cohort_id,
                **common,
            )
    except CanvasError as exc:
        problem = canvas_problem(
            exc, options.cohort_file, inputs.cohort, _canvas_url(app, options, inputs)
        )
        click.echo(problem, err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    finally:
        progress.close()


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""

    @group.command("sync")
    @click.argument("cohort_file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Show the plan; change nothing in Canvas.")
    @click.option(
        "--prune", is_flag=True, help="Remove objects sync made that the spec no longer has."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead.")
    @click.option(
        "--canvas-url",
        metavar="URL",
        help="Canvas address, e.g. https://school.instructure.com (default: CTOM_CANVAS_URL).",
    )
    @click.option(
        "--token-stdin",
        is_flag=True,
        help="Read the Canvas API token from standard input (default: CTOM_CANVAS_TOKEN).",
    )
    @click.option(
        "--pairings-only",
        is_flag=True,
        help="Only bring mentor observer links in line with the pairings.",
    )
    @click.option(
        "--concurrency",
        type=click.IntRange(1, 32),
        default=8,
        show_default=True,
        help="Canvas requests in flight at once.",
    )
    @click.option("--platform", metavar="ID", help=PLATFORM_OPTION_HELP)
    @with_appcontext
    def sync_command(cohort_file: Path, **options: Any) -> None:
        """Build or update the Canvas course of the cohort described in COHORT_FILE.

        Safe to run again at any time: it changes only what differs, never makes anything
        twice, and never deletes what it did not make (with --prune, it removes what it made
        that is no longer wanted).
        """
        from ctom_lti.canvas_sync.report import format_summary

        opts = SyncOptions(cohort_file=cohort_file, **options)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        inputs = load_inputs(app, cohort_file)
        url = _canvas_url(app, opts, inputs)
        owner = _owner(app, url, opts)
        gateway = _gateway(app, url, opts, owner)
        report = _run(app, opts, inputs, gateway, owner)
        if opts.as_json:
            click.echo(json.dumps(report.to_json(), indent=2))
        else:
            click.echo(format_summary(report))
        if owner is None and not opts.dry_run:
            click.echo(
                f"Note: no registration has the Canvas address {url}, so the tool has not "
                "recorded this cohort. Register it (`ctom-lti platform add ... --canvas-url "
                "URL`), then run `ctom-lti cohort import` on this file.",
                err=True,
            )
        if not report.ok:
            raise click.exceptions.Exit(EXIT_FAILED)
