"""``ctom-lti portfolio export``: a candidate's portfolio as PDF and HTML zip files in a folder.

Exit status: 0 when every export was written; 2 when the options are wrong (no such cohort or
candidate, a folder that cannot be written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from tqdm import tqdm  # type: ignore[import-untyped]

EXIT_INPUT = 2


def _fail(message: str, hint: str | None = None) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"What to do: {hint}", err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


@click.command("export")
@click.option("--cohort", "sis_course_id", required=True, help="The cohort's sis_course_id.")
@click.option("--candidate", "email", required=True, help="The candidate's email address.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write into (made if missing).",
)
@click.option("--pdf", "want_pdf", is_flag=True, help="Write the PDF (both when neither is given).")
@click.option("--html", "want_html", is_flag=True, help="Write the HTML website as a zip.")
@with_appcontext
def export_command(
    sis_course_id: str, email: str, out_dir: Path, want_pdf: bool, want_html: bool
) -> None:
    """Export a candidate's portfolio: a PDF and a self-contained HTML website (zip)."""
    from ctom_lti.cohorts.records import find_cohort
    from ctom_lti.db import session_scope, utcnow
    from ctom_lti.errors import CtomError
    from ctom_lti.models import Membership, Person, Role
    from ctom_lti.tools.portfolio.export.gather import document_for
    from ctom_lti.tools.portfolio.export.html_zip import write_html_zip
    from ctom_lti.tools.portfolio.export.names import download_name
    from ctom_lti.tools.portfolio.export.pdf import write_pdf
    from ctom_lti.tools.portfolio.storage import app_storage

    kinds = [k for k, wanted in (("pdf", want_pdf), ("html", want_html)) if wanted] or [
        "pdf",
        "html",
    ]
    now = utcnow()
    try:
        with session_scope(current_app) as session:
            cohort = find_cohort(session, sis_course_id)
            person_id = session.scalar(
                select(Person.id)
                .join(Membership, Membership.person_id == Person.id)
                .where(
                    Membership.cohort_id == cohort.id,
                    Membership.role == Role.CANDIDATE.value,
                    func.lower(Person.email) == email.strip().lower(),
                )
            )
            if person_id is None:
                _fail(
                    f"No candidate with the email {email} in cohort {sis_course_id}.",
                    "Check the address: the candidate must be on the cohort's roster.",
                )
            document = document_for(
                session, app_storage(current_app), cohort.id, person_id, now=now
            )
    except CtomError as exc:
        _fail(exc.message, exc.hint)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"Cannot make the folder {out_dir}: {exc.strerror}.")
    for kind in kinds:
        extension = "pdf" if kind == "pdf" else "zip"
        target = out_dir / download_name(document.candidate_name, now.date(), extension)
        with (
            tqdm(
                desc=f"{kind.upper():>4}", unit="step", file=sys.stderr, leave=False, disable=None
            ) as bar,
            target.open("wb") as out,
        ):

            def progress(done: int, total: int, bar: Any = bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            if kind == "pdf":
                write_pdf(document, out, progress)
            else:
                write_html_zip(document, out, progress)
        click.echo(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
