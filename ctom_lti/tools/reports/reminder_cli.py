"""``ctom-lti reports due|remind`` (join the reports group of ``cli.py``): what is due in a
cohort, and reminders to mentors' Canvas Inbox.

``remind`` is meant for a daily cron job. Exit status: 0 on success; 1 when some reminders could
not be sent (they are recorded and tried again on the next run); 2 when the cohort or the
options are wrong.
"""

from __future__ import annotations

import json
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from ctom_lti.errors import CtomError
from ctom_lti.tools.reports.cli import reports_group

EXIT_FAILED = 1
EXIT_INPUT = 2

_COHORT_HELP = "The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`)."


def _fail(message: str, hint: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"What to do: {hint}", err=True)
    raise click.exceptions.Exit(code)


cohort_option = click.option(
    "--cohort", "sis_course_id", required=True, metavar="SIS_ID", help=_COHORT_HELP
)


@reports_group.command("due")
@cohort_option
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@with_appcontext
def due_command(sis_course_id: str, as_json: bool) -> None:
    """List the reports mentors still owe that are due within a week or overdue."""
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope, utcnow
    from ctom_lti.tools.reports.due import HORIZON_DAYS, due_reports
    from ctom_lti.tools.reports.grid import cohort_today
    from ctom_lti.tools.reports.service import sync_schedule

    now = utcnow()
    try:
        with session_scope(current_app) as session:
            cohort = find_cohort(session, sis_course_id)
            sync_schedule(
                session, cohort.id, default_due_day=_due_day(), now=now
            )  # rows for months that began
            today = cohort_today(cohort, now)
            lines = due_reports(session, cohort.id, today)
    except CtomError as exc:
        _fail(exc.message, exc.hint)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "cohort": sis_course_id,
                    "today": today.isoformat(),
                    "reports": [line.as_json() for line in lines],
                },
                indent=2,
            )
        )
        return
    if not lines:
        click.echo(f"Nothing is due within {HORIZON_DAYS} days or overdue (today {today}).")
        return
    for line in lines:
        when = f"OVERDUE {-line.days}d" if line.overdue else f"due in {line.days}d"
        click.echo(
            f"{line.due_on}  {when:<12}  {line.month:%Y-%m}  {line.candidate_name}  "
            f"(mentor {line.mentor_name}, {line.status})"
        )
    late = sum(line.overdue for line in lines)
    click.echo(f"{len(lines)} reports due or overdue ({late} overdue); today is {today}.")


def _due_day() -> int:
    return int(current_app.config["REPORTS_DUE_DAY"])


@reports_group.command("remind")
@cohort_option
@click.option("--dry-run", is_flag=True, help="Show the messages without sending or recording.")
@with_appcontext
def remind_command(sis_course_id: str, dry_run: bool) -> None:
    """Send each mentor with a report coming due or overdue a Canvas Inbox message.

    Steps: 3 days before the due day, on it, and 7 days after; each is sent once per report
    and recorded. A failed send is recorded and tried again on the next run; a send whose
    answer was lost is looked for in Canvas first, so it is never sent twice.
    """
    from ctom_lti.cohorts.canvas_access import cohort_gateway
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import get_sessionmaker, utcnow
    from ctom_lti.lti.registrations import get_fernet
    from ctom_lti.tools.reports.grid import cohort_today
    from ctom_lti.tools.reports.reminder_service import plan, send_reminders
    from ctom_lti.tools.reports.service import sync_schedule

    now = utcnow()
    session = get_sessionmaker(current_app)()
    try:
        cohort = find_cohort(session, sis_course_id)
        sync_schedule(session, cohort.id, default_due_day=_due_day(), now=now)
        today = cohort_today(cohort, now)
        url = (
            f"{cohort.canvas_url}/courses/{cohort.canvas_course_id}"
            if cohort.canvas_url and cohort.canvas_course_id
            else None
        )
        if dry_run:
            messages, _ = plan(session, cohort, today, url=url)
            session.rollback()
            for m in messages:
                click.echo(f"Would send to {m.mentor_name}: {m.subject}")
                click.echo("    " + m.body.replace("\n", "\n    "))
            click.echo(f"{len(messages)} reminders would be sent (dry run; nothing sent).")
            return
        session.commit()
        gateway = cohort_gateway(session, cohort, get_fernet(current_app))
        outcome = send_reminders(
            session,
            cohort,
            gateway,
            today=today,
            now=now,
            url=url,
            before_send=session.commit,
            after_each=session.commit,
        )
        session.commit()
    except CtomError as exc:
        session.rollback()
        _fail(exc.message, exc.hint)
    finally:
        session.close()
    for u in outcome.unsettled:
        click.echo(
            f"Not checked for {u.mentor_name}: a reminder whose sending Canvas never confirmed "
            f"could not be looked up ({u.error}); nothing sent about those {u.reports} reports "
            "(checked again next run)",
            err=True,
        )
    for m in outcome.messages:
        if m.error:
            click.echo(f"Not sent to {m.mentor_name}: {m.error} (tried again next run)", err=True)
        else:
            click.echo(f"Sent to {m.mentor_name}: {m.subject} ({len(m.report_ids)} reports)")
    click.echo(f"{len(outcome.sent)} reminders sent, {len(outcome.failed)} failed; today {today}.")
    if outcome.failed or outcome.unsettled:
        raise click.exceptions.Exit(EXIT_FAILED)
