"""``ctom-lti pairing import|propose|accept|pair|end|push``: mentor pairing from the command line.

Exit status: 0 on success; 1 when some of the work was refused (bad import rows, a pair a rule
forbids); 2 when the options or the file are wrong (nothing was stored).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from ctom_lti.errors import CtomError
from ctom_lti.models import Cohort

EXIT_REFUSED = 1
EXIT_INPUT = 2
T = TypeVar("T")

_COHORT_HELP = "The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`)."


def _fail(message: str, hint: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"What to do: {hint}", err=True)
    raise click.exceptions.Exit(code)


def _in_cohort(sis_course_id: str, work: Callable[[Session, Cohort], T]) -> T:
    """Run ``work`` on the cohort in one transaction (committed when it returns)."""
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope

    try:
        with session_scope(current_app) as session:
            return work(session, find_cohort(session, sis_course_id))
    except CtomError as exc:
        _fail(exc.message, exc.hint)


def _email_person(session: Session, cohort: Cohort, email: str) -> int:
    from ctom_lti.tools.pairing.people import find_by_email
    from ctom_lti.tools.pairing.rows import normalise_email

    person = find_by_email(session, cohort, normalise_email(email))
    if person is None:
        _fail(f"No one with the email {email} is known in this cohort's registration.")
    return person.id


def proposal_json(proposal: Any, facts: Any) -> dict[str, Any]:
    """The proposal as the JSON ``pairing propose --json`` prints."""
    email = {pid: person.email for pid, person in facts.people.items()}
    return {
        "pairs": [
            {
                "candidate": email[p.candidate_id],
                "mentor": email[p.mentor_id],
                "total": p.score.total,
                "parts": [
                    {"name": part.name, "points": part.points, "reason": part.reason}
                    for part in p.score.parts
                ],
            }
            for p in proposal.pairs
        ],
        "unmatched": [
            {"candidate": email[u.candidate_id], "reason": u.reason} for u in proposal.unmatched
        ],
    }


def _print_proposal(data: dict[str, Any]) -> None:
    if not data["pairs"] and not data["unmatched"]:
        click.echo("Every candidate already has a mentor; nothing to propose.")
    for pair in data["pairs"]:
        click.echo(f"{pair['candidate']} -> {pair['mentor']}  score {pair['total']}")
        for part in pair["parts"]:
            click.echo(f"    +{part['points']} {part['name']}: {part['reason']}")
    for left in data["unmatched"]:
        click.echo(f"{left['candidate']} unmatched: {left['reason']}")
    click.echo(
        f"{len(data['pairs'])} pairs proposed, {len(data['unmatched'])} candidates unmatched."
    )


def _refused(changes: list[Any]) -> int:
    problems = [c for c in changes if not c.done]
    for change in problems:
        what = "someone changed it first" if change.stale else change.refused
        click.echo(f"Pairing {change.pairing_id or ''} refused: {what}", err=True)
    return len(problems)


cohort_option = click.option(
    "--cohort", "sis_course_id", required=True, metavar="SIS_ID", help=_COHORT_HELP
)
date_option = click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="The day it takes effect (default today)."
)


def _day(value: Any) -> date:
    return value.date() if value is not None else date.today()


@click.group("pairing")
def pairing_group() -> None:
    """Mentor pairing: import people, propose, accept, pair by hand, end."""


@pairing_group.command("import")
@cohort_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_command(sis_course_id: str, csv_file: Path) -> None:
    """Import mentors and candidates from CSV_FILE (header:
    role,email,name,organisation,region,years,expertise,growth_areas,capacity,qualifications,
    conflicts). Good rows are stored; each bad row is named with its line. Safe to run again."""
    from ctom_lti.tools.pairing.importing import import_people

    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {csv_file}: {exc}", "Give a UTF-8 CSV file.")
    result = _in_cohort(sis_course_id, lambda s, c: import_people(s, c, text))
    if result.file_problem:
        _fail(result.file_problem, "Fix the header row; nothing was imported.")
    for problem in result.problems:
        click.echo(f"Left out {problem}", err=True)
    click.echo(result.summary)
    if result.problems:
        raise click.exceptions.Exit(EXIT_REFUSED)


@pairing_group.command("propose")
@cohort_option
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON.")
@click.option("--allow-repeat", is_flag=True, help="Allow pairs whose earlier pairing ended.")
@with_appcontext
def propose_command(sis_course_id: str, as_json: bool, allow_repeat: bool) -> None:
    """Propose a mentor for every unpaired candidate (replacing open proposals), with each
    pair's score and the reason each unmatched candidate was left out."""
    from ctom_lti.tools.pairing.proposals import make_proposals

    def work(session: Session, cohort: Cohort) -> dict[str, Any]:
        proposal, facts = make_proposals(session, cohort.id, allow_repeat=allow_repeat)
        return proposal_json(proposal, facts)

    data = _in_cohort(sis_course_id, work)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        _print_proposal(data)


@pairing_group.command("accept")
@cohort_option
@date_option
@with_appcontext
def accept_command(sis_course_id: str, on: Any) -> None:
    """Accept every open proposal of the cohort: the pairs become active."""
    from ctom_lti.tools.pairing.proposals import accept_all

    changes = _in_cohort(sis_course_id, lambda s, c: accept_all(s, c.id, on=_day(on)))
    refused = _refused(changes)
    click.echo(f"{len(changes) - refused} pairings active, {refused} refused.")
    if refused:
        raise click.exceptions.Exit(EXIT_REFUSED)


@pairing_group.command("pair")
@cohort_option
@click.option("--candidate", required=True, metavar="EMAIL")
@click.option("--mentor", required=True, metavar="EMAIL")
@date_option
@click.option("--allow-repeat", is_flag=True, help="Allow a pair whose earlier pairing ended.")
@with_appcontext
def pair_command(
    sis_course_id: str, candidate: str, mentor: str, on: Any, allow_repeat: bool
) -> None:
    """Pair a candidate with a mentor by hand (refused, with the reason, if a rule forbids it)."""
    from ctom_lti.tools.pairing.lifecycle import hand_pair

    def work(session: Session, cohort: Cohort) -> Any:
        return hand_pair(
            session,
            cohort.id,
            _email_person(session, cohort, candidate),
            _email_person(session, cohort, mentor),
            on=_day(on),
            allow_repeat=allow_repeat,
        )

    change = _in_cohort(sis_course_id, work)
    if not change.done:
        _fail(change.refused or "refused", code=EXIT_REFUSED)
    click.echo(f"{candidate} is paired with {mentor}.")


@pairing_group.command("end")
@cohort_option
@click.option("--candidate", required=True, metavar="EMAIL")
@click.option("--reason", required=True)
@click.option("--repair-with", metavar="EMAIL", help="A new mentor, from the same day.")
@date_option
@with_appcontext
def end_command(
    sis_course_id: str, candidate: str, reason: str, repair_with: str | None, on: Any
) -> None:
    """End a candidate's active pairing (and re-pair them with --repair-with)."""
    from sqlalchemy import select

    from ctom_lti.tools.pairing.lifecycle import end, repair
    from ctom_lti.tools.pairing.models import Pairing

    def work(session: Session, cohort: Cohort) -> Any:
        person_id = _email_person(session, cohort, candidate)
        pairing = session.scalar(
            select(Pairing).where(
                Pairing.cohort_id == cohort.id,
                Pairing.candidate_person_id == person_id,
                Pairing.status == "active",
            )
        )
        if pairing is None:
            _fail(f"{candidate} has no active pairing in this cohort.", code=EXIT_REFUSED)
        if repair_with:
            mentor_id = _email_person(session, cohort, repair_with)
            return repair(
                session,
                cohort.id,
                pairing.id,
                pairing.version,
                mentor_id,
                on=_day(on),
                reason=reason,
            )
        return end(session, cohort.id, pairing.id, pairing.version, on=_day(on), reason=reason)

    change = _in_cohort(sis_course_id, work)
    if not change.done:
        _fail(change.refused or "someone changed the pairing first", code=EXIT_REFUSED)
    click.echo(
        f"{candidate}'s pairing ended" + (f"; now with {repair_with}." if repair_with else ".")
    )


@pairing_group.command("push")
@cohort_option
@with_appcontext
def push_command(sis_course_id: str) -> None:
    """Bring the cohort's Canvas observer links in line with its active pairings (each mentor
    observes their candidates). Safe to run again; links of ended pairings are removed."""
    from ctom_lti.cohorts.canvas_access import cohort_gateway
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope
    from ctom_lti.lti.registrations import get_fernet
    from ctom_lti.tools.pairing.push import push_pairings

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        with session_scope(app) as session:
            cohort = find_cohort(session, sis_course_id)
            gateway = cohort_gateway(session, cohort, get_fernet(app))
            result = push_pairings(
                session, cohort, gateway, tool_base_url=str(app.config["BASE_URL"])
            )
    except CtomError as exc:
        _fail(exc.message, exc.hint)
    click.echo(result.summary)
    for skipped in result.skipped:
        click.echo(f"Not pushed: {skipped}", err=True)
    if not result.ok:
        if result.hint:
            click.echo(f"What to do: {result.hint}", err=True)
        raise click.exceptions.Exit(EXIT_REFUSED)
