"""``ctom-lti completion --cohort SIS_ID [--csv FILE] [--json] [--freeze]``.

Exit status: 0 when the check ran (whatever it decided); 2 when the cohort or its settings are
wrong.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ctom_lti.errors import CtomError

EXIT_INPUT = 2


@click.command("completion")
@click.option(
    "--cohort",
    "sis_course_id",
    required=True,
    metavar="SIS_ID",
    help="The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`).",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the cohort table to this CSV file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print per candidate (by email) as JSON.")
@click.option(
    "--freeze", is_flag=True, help="Store this result as a snapshot (inputs hashed, re-verifiable)."
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Decide as of this day (default: today).",
)
@with_appcontext
def completion_command(
    sis_course_id: str, csv_file: Path | None, as_json: bool, freeze: bool, as_of: object
) -> None:
    """Decide each candidate's programme completion from Canvas and the tool's records."""
    from ctom_lti.cohorts.canvas_access import cohort_gateway
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope
    from ctom_lti.features import registry_of
    from ctom_lti.lti.registrations import get_fernet
    from ctom_lti.tools.completion.export import cohort_json, csv_text
    from ctom_lti.tools.completion.grade_column import queue_changes
    from ctom_lti.tools.completion.service import check_cohort
    from ctom_lti.tools.completion.snapshots import freeze as freeze_check

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    today = as_of.date() if hasattr(as_of, "date") else date.today()
    try:
        with session_scope(app) as session:
            cohort = find_cohort(session, sis_course_id)
            check = check_cohort(
                session,
                cohort.id,
                features=registry_of(app).features,
                open_gateway=lambda c: cohort_gateway(session, c, get_fernet(app)),
                today=today,
            )
            queued = queue_changes(session, check)
            frozen: tuple[int, str] | None = None
            if freeze:
                row = freeze_check(session, check, actor_id=None, actor_name="command line")
                frozen = (row.id, row.inputs_sha256)
    except CtomError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"What to do: {exc.hint}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT) from None
    if csv_file is not None:
        csv_file.write_text(csv_text(check.results), encoding="utf-8")
    if as_json:
        data = cohort_json(check.results, as_of=today.isoformat())
        if frozen is not None:
            data["snapshot"] = {"id": frozen[0], "inputs_sha256": frozen[1]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for r in check.results:
        click.echo(f"{r.name} <{r.email}>: {r.overall.label}")
        for rule in r.rules:
            click.echo(f"  {rule.label}: {rule.state.label} — {rule.reason}")
            if rule.todo:
                click.echo(f"    what to do: {rule.todo}")
    done = sum(1 for r in check.results if r.passed)
    click.echo(f"{done} of {len(check.results)} candidates complete as of {today.isoformat()}.")
    if queued:
        click.echo(f"{queued} changed results queued for the Canvas gradebook column.")
    if check.evidence.gradebook_problem:
        click.echo(f"Canvas gradebook not read: {check.evidence.gradebook_problem}", err=True)
    if frozen is not None:
        click.echo(f"Frozen as snapshot #{frozen[0]}, inputs SHA-256 {frozen[1]}")
