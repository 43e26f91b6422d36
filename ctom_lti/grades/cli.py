"""``ctom-lti worker`` and ``ctom-lti grades status|retry``: the grade outbox from the command
line.

Exit status: 0 on success; 2 when the cohort is unknown.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ctom_lti.errors import CtomError

EXIT_INPUT = 2
_COHORT_HELP = "The cohort: the sis_course_id of its cohort file (see `ctom-lti cohort list`)."


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05),
    default=None,
    help="Seconds to wait between passes (default: CTOM_GRADES_WORKER_POLL, 5).",
)
@with_appcontext
def worker_command(once: bool, poll: float | None) -> None:
    """Post the grade outbox to Canvas. Several workers may run side by side.

    Stops after the post in hand on SIGTERM or Ctrl-C.
    """
    from ctom_lti.grades.settings import lease_problem, outbox_settings
    from ctom_lti.grades.worker import drain, run_forever

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    problem = lease_problem(app)
    if problem:
        # A warning, not a refusal: a lease this short still posts each grade once, but a slow
        # Canvas makes workers take posts over from each other (each then reads Canvas first).
        click.echo(f"Warning: {problem}", err=True)
    if once:
        done = drain(app)
    else:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        wait = poll if poll is not None else outbox_settings(app).poll
        click.echo(f"Grade outbox worker started (every {wait:g} s).", err=True)
        done = run_forever(app, poll=wait, stop=stop)
    summary = ", ".join(f"{n} {state}" for state, n in sorted(done.outcomes.items()))
    lost = f", {done.lost} taken over by another worker" if done.lost else ""
    click.echo(f"Grade posts: {summary or 'none due'}{lost}")


@click.group("grades")
def grades_group() -> None:
    """The grade outbox: what has not reached the Canvas gradebook yet."""


def _cohort_id(sis_course_id: str) -> int:
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope

    try:
        with session_scope(current_app) as session:
            return find_cohort(session, sis_course_id).id
    except CtomError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"What to do: {exc.hint}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT) from None


@grades_group.command("status")
@click.option("--cohort", "sis_course_id", required=True, help=_COHORT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def status_command(sis_course_id: str, as_json: bool) -> None:
    """Counts by state, and every post not yet in Canvas."""
    from ctom_lti.db import session_scope
    from ctom_lti.grades import outbox

    cohort_id = _cohort_id(sis_course_id)
    with session_scope(current_app) as session:
        counts = outbox.state_counts(session, cohort_id)
        posts = outbox.open_posts(session, cohort_id)
    if as_json:
        body: dict[str, Any] = {
            "counts": {state.value: n for state, n in counts.items()},
            "open": [
                {
                    "id": p.id,
                    "person": p.person_name,
                    "column": p.column_tag,
                    "passed": p.passed,
                    "source": p.source,
                    "state": p.state.value,
                    "attempts": p.attempts,
                    "message": p.last_error,
                }
                for p in posts
            ],
        }
        click.echo(json.dumps(body, indent=2))
        return
    click.echo("  ".join(f"{state.value}: {n}" for state, n in counts.items()))
    for p in posts:
        score = "complete" if p.passed else "incomplete"
        line = f"#{p.id} {p.state.value:8} {p.column_tag} {p.person_name}: {score}"
        click.echo(line + (f" — {p.last_error}" if p.last_error else ""))


@grades_group.command("retry")
@click.option("--cohort", "sis_course_id", required=True, help=_COHORT_HELP)
@click.option("--post", "post_id", type=int, default=None, help="Only this post (its #id).")
@with_appcontext
def retry_command(sis_course_id: str, post_id: int | None) -> None:
    """Send the cohort's failed posts again (now, once; the worker carries on after)."""
    from ctom_lti.db import session_scope
    from ctom_lti.grades import outbox
    from ctom_lti.grades.worker import post_now

    cohort_id = _cohort_id(sis_course_id)
    with session_scope(current_app) as session:
        ids = outbox.retry_failed(session, cohort_id, post_id)
    if not ids:
        click.echo("Nothing to retry: no failed posts.")
        return
    done = post_now(current_app._get_current_object(), ids)  # type: ignore[attr-defined]
    summary = ", ".join(f"{n} {state}" for state, n in sorted(done.outcomes.items()))
    click.echo(f"Retried {len(ids)}: {summary}")
