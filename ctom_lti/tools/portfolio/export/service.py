"""Start a candidate's export (their own portfolio only) and find it again for them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from ctom_lti.errors import NotFound
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.tools.portfolio.export.document import PortfolioDocument
from ctom_lti.tools.portfolio.export.gather import document_for
from ctom_lti.tools.portfolio.export.html_zip import write_html_zip
from ctom_lti.tools.portfolio.export.jobs import ExportJobs, JobStatus, Writer
from ctom_lti.tools.portfolio.export.names import download_name
from ctom_lti.tools.portfolio.export.pdf import write_pdf
from ctom_lti.tools.portfolio.people import require
from ctom_lti.tools.portfolio.storage import Storage


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    extension: str
    media_type: str


KINDS = {
    "pdf": ExportKind("pdf", "PDF", "pdf", "application/pdf"),
    "html": ExportKind("html", "HTML website (zip)", "zip", "application/zip"),
}


def app_jobs(app: Flask) -> ExportJobs:
    """The app's export jobs: ``CTOM_PORTFOLIO_EXPORT_DIR``, else the instance folder."""
    configured = str(app.config.get("PORTFOLIO_EXPORT_DIR") or "")
    return ExportJobs(
        Path(configured) if configured else Path(app.instance_path) / "portfolio-exports"
    )


def writer(kind: ExportKind, document: PortfolioDocument) -> Writer:
    if kind.key == "pdf":
        return functools.partial(write_pdf, document)
    return functools.partial(write_html_zip, document)


def start_export(
    session: Session,
    storage: Storage,
    jobs: ExportJobs,
    launch: SessionLaunch,
    kind_key: str,
    *,
    candidate_id: int,
    now: datetime,
) -> JobStatus:
    """Start exporting ``candidate_id``'s portfolio as ``kind_key`` for the launched person,
    who must be able to read it (the candidate, their mentor, the cohort's staff). The export
    is theirs alone: nobody else finds it.

    :raises NotFound: an unknown kind, or a portfolio the person may not read.
    """
    kind = KINDS.get(kind_key)
    if kind is None:
        raise NotFound("There is no such export.", hint="Choose PDF or HTML website.")
    require(session, launch, candidate_id, "read")
    document = document_for(session, storage, launch.cohort_id, candidate_id, now=now)
    return jobs.start(
        cohort_id=launch.cohort_id,
        person_id=launch.person_id,
        kind=kind.key,
        download_name=download_name(document.candidate_name, now.date(), kind.extension),
        write=writer(kind, document),
    )


def find_export(jobs: ExportJobs, launch: SessionLaunch, job_id: str) -> JobStatus:
    """The launched person's export ``job_id``.

    :raises NotFound: no such export of theirs (another person's is not theirs to know of).
    """
    status = jobs.status(job_id, cohort_id=launch.cohort_id, person_id=launch.person_id)
    if status is None:
        raise NotFound(
            "There is no such export of your portfolio.",
            hint="Exports are kept for a day. Start a new one from your portfolio page.",
        )
    return status
