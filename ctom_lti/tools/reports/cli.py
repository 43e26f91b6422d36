"""``ctom-lti reports schedule|due-day``: the report schedule from the command line.

``schedule`` makes the rows of the reports whose period has begun (run it daily, e.g. before
reminders; the pages also do it when opened). ``due-day`` sets the day of the following month a
cohort's reports are due on.

Exit status: 0 on success; 2 when the options are wrong (nothing was stored).
"""

from __future__ import annotations

from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from ctom_lti.errors import CtomError

EXIT_INPUT = 2
COHORT_HELP = "The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`)."


def fail(message: str, hint: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"What to do: {hint}", err=True)
    raise click.exceptions.Exit(code)


@click.group("reports")
def reports_group() -> None:
    """Monthly mentor progress reports."""


@reports_group.command("schedule")
@click.option("--cohort", "sis_course_id", required=True, help=COHORT_HELP)
@with_appcontext
def schedule_command(sis_course_id: str) -> None:
    """Make the rows of the reports due so far (those whose period has begun)."""
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope, utcnow
    from ctom_lti.tools.reports.service import sync_schedule

    try:
        with session_scope(current_app) as session:
            cohort = find_cohort(session, sis_course_id)
            outcome = sync_schedule(
                session,
                cohort.id,
                default_due_day=int(current_app.config["REPORTS_DUE_DAY"]),
                now=utcnow(),
            )
    except CtomError as exc:
        fail(exc.message, exc.hint)
    click.echo(
        f"{outcome.made} reports opened, {outcome.moved} moved to a changed pairing, "
        f"{outcome.dropped} no longer due."
    )


@reports_group.command("due-day")
@click.option("--cohort", "sis_course_id", required=True, help=COHORT_HELP)
@click.argument("day", type=click.IntRange(1, 31))
@with_appcontext
def due_day_command(sis_course_id: str, day: int) -> None:
    """Reports of the cohort are due on DAY of the following month (1-31; a shorter month's
    last day)."""
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope, utcnow
    from ctom_lti.tools.reports.models import ReportRule
    from ctom_lti.tools.reports.service import sync_schedule

    try:
        with session_scope(current_app) as session:
            cohort = find_cohort(session, sis_course_id)
            rule = session.get(ReportRule, cohort.id)
            if rule is None:
                session.add(ReportRule(cohort_id=cohort.id, due_day=day))
            else:
                rule.due_day, rule.updated_at = day, utcnow()
            session.flush()
            sync_schedule(session, cohort.id, default_due_day=day, now=utcnow())
    except CtomError as exc:
        fail(exc.message, exc.hint)
    click.echo(f"Reports of {sis_course_id} are due on day {day} of the following month.")
