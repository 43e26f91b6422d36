"""``ctom-lti cohort import|list`` and ``ctom-lti roster refresh --cohort SIS_ID``.

Exit status: 0 on success, 2 when the cohort file, the options or the cohort's set-up are wrong,
or Canvas did not give what was asked (nothing was stored).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ctom_lti.cohorts.config import CohortConfig
from ctom_lti.errors import CtomError

EXIT_INPUT = 2

PLATFORM_OPTION_HELP = (
    "The registration the cohort belongs to (id, client id or name from `ctom-lti platform "
    "list`), when several share its Canvas address."
)


def fail(message: str, hint: str | None = None) -> NoReturn:
    """Say what was wrong (and what to do) on standard error and exit with status 2."""
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"What to do: {hint}", err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


def canvas_url_for(app: Flask, config: CohortConfig, given: str | None) -> str | None:
    """The cohort's Canvas address: ``--canvas-url``, the file's ``canvas_url``, then
    ``CTOM_CANVAS_URL``."""
    return (
        given
        or config.canvas_url
        or os.environ.get("CTOM_CANVAS_URL")
        or app.config.get("CANVAS_URL")
        or None
    )


def _import(app: Flask, cohort_file: Path, canvas_url: str | None, platform: str | None) -> str:
    from ctom_lti.cohorts.cohort_file import load_cohort
    from ctom_lti.cohorts.records import record_cohort
    from ctom_lti.cohorts.tenancy import describe_registration, registration_for
    from ctom_lti.cohorts.tomlsource import InputFileError
    from ctom_lti.curriculum.loader import load_curriculum
    from ctom_lti.db import session_scope

    try:
        config = load_cohort(cohort_file, load_curriculum())
    except InputFileError as exc:
        fail(exc.message, exc.hint)
    url = canvas_url_for(app, config, canvas_url)
    if not url:
        fail(
            "the cohort file names no Canvas address.",
            'Add canvas_url = "https://school.instructure.com" under [cohort], or pass '
            "--canvas-url.",
        )
    try:
        with session_scope(app) as session:
            owner = registration_for(session, url, platform)
            cohort = record_cohort(session, owner, config, canvas_url=url)
            who = describe_registration(owner)
            first, last = config.sessions[0], config.sessions[-1]
            return (
                f"Recorded cohort {cohort.sis_course_id} ({cohort.title}) for registration "
                f"{who}: term {config.term_start} to {config.term_end}, {len(config.sessions)} "
                f"sessions from {first.date} ({first.location}) to {last.last_day} "
                f"({last.location}), times in {config.time_zone}."
            )
    except CtomError as exc:
        fail(exc.message, exc.hint)


def _refresh(app: Flask, sis_course_id: str) -> str:
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.cohorts.roster import refresh_roster
    from ctom_lti.db import session_scope

    try:
        with session_scope(app) as session:
            cohort = find_cohort(session, sis_course_id)
            outcome = refresh_roster(app, session, cohort)
            return outcome.describe(sis_course_id)
    except CtomError as exc:
        fail(exc.message, exc.hint)


COHORT_OPTION_HELP = (
    "The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`)."
)


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""

    @group.group("cohort")
    def cohort_group() -> None:
        """The programme's cohorts: their calendars, registrations and Canvas courses."""

    @cohort_group.command("import")
    @click.argument("cohort_file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--canvas-url",
        metavar="URL",
        help="Canvas address when the file has no canvas_url (default: CTOM_CANVAS_URL).",
    )
    @click.option("--platform", metavar="ID", help=PLATFORM_OPTION_HELP)
    @with_appcontext
    def import_command(cohort_file: Path, canvas_url: str | None, platform: str | None) -> None:
        """Record the cohort of COHORT_FILE (calendar and settings) without touching Canvas.

        Safe to run again: the cohort is found by its sis_course_id and updated.
        """
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        click.echo(_import(app, cohort_file, canvas_url, platform))

    @group.group("roster")
    def roster_group() -> None:
        """Who is in a cohort's Canvas course, as Canvas's roster says."""

    @roster_group.command("refresh")
    @click.option(
        "--cohort", "sis_course_id", required=True, metavar="SIS_ID", help=COHORT_OPTION_HELP
    )
    @with_appcontext
    def roster_refresh(sis_course_id: str) -> None:
        """Read the course roster from Canvas: people who never launched become known, people
        who left the course are marked inactive (never deleted)."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        click.echo(_refresh(app, sis_course_id))

    @cohort_group.command("list")
    @with_appcontext
    def list_command() -> None:
        """List cohorts with their registration, Canvas course, term and people."""
        from ctom_lti.cohorts.records import list_cohorts
        from ctom_lti.db import session_scope

        with session_scope(current_app) as session:
            cohorts = list_cohorts(session)
        if not cohorts:
            click.echo("No cohorts yet. Record one with `ctom-lti cohort import COHORT_FILE`.")
            return
        for c in cohorts:
            click.echo(f"{c.sis_course_id or '(no SIS id)'}  {c.title}")
            click.echo(f"    registration {c.registration}")
            click.echo(f"    canvas {c.canvas_course_url or 'course not linked yet'}")
            term = f"{c.term_start} to {c.term_end}" if c.term_start else "no calendar yet"
            click.echo(f"    term {term}, {c.sessions} sessions")
            refreshed = (
                f"roster refreshed {c.roster_refreshed_at:%Y-%m-%d %H:%M} UTC"
                if c.roster_refreshed_at
                else "roster not refreshed"
            )
            click.echo(f"    {c.active_people} active people, {refreshed}")
