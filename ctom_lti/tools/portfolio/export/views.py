"""Export pages: a candidate (or whoever may read their portfolio) starts an export of it,
watches it build, and downloads it. Parse the request → one service call → render or redirect."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, send_file

from ctom_lti.db import get_session, utcnow
from ctom_lti.errors import NotFound
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.text import bounded_int
from ctom_lti.tools.portfolio.export import service
from ctom_lti.tools.portfolio.export.jobs import JobState, JobStatus
from ctom_lti.tools.portfolio.storage import app_storage
from ctom_lti.tools.portfolio.views import bp


@bp.post("/c/<int:cohort_id>/portfolio/export")
@launch_required()
def start_export(launch: SessionLaunch, cohort_id: int) -> Any:
    job = service.start_export(
        get_session(),
        app_storage(current_app),
        service.app_jobs(current_app),
        launch,
        request.form.get("kind", ""),
        candidate_id=_candidate(launch),
        now=utcnow(),
    )
    return redirect(tool_url("portfolio.export_page", cohort_id=cohort_id, job_id=job.id), 303)


def _candidate(launch: SessionLaunch) -> int:
    """Whose portfolio: the form's candidate (a reviewer exporting), else the viewer's own."""
    raw = request.form.get("candidate_id", "")
    value = bounded_int(raw) if raw else launch.person_id
    if value is None:
        raise NotFound("There is no portfolio here that you can open.")
    return value


def _links(cohort_id: int, job: JobStatus) -> dict[str, str]:
    return {
        "page": tool_url("portfolio.export_page", cohort_id=cohort_id, job_id=job.id),
        "status": tool_url("portfolio.export_status", cohort_id=cohort_id, job_id=job.id),
        "download": tool_url("portfolio.export_download", cohort_id=cohort_id, job_id=job.id),
    }


@bp.get("/c/<int:cohort_id>/portfolio/export/<job_id>")
@launch_required()
def export_page(launch: SessionLaunch, cohort_id: int, job_id: str) -> tuple[str, int]:
    job = service.find_export(service.app_jobs(current_app), launch, job_id)
    return (
        render_template(
            "portfolio/export.html",
            job=job,
            kind=service.KINDS[job.kind],
            links=_links(cohort_id, job),
            cohort_id=cohort_id,
        ),
        200,
    )


@bp.get("/c/<int:cohort_id>/portfolio/export/<job_id>/status")
@launch_required()
def export_status(launch: SessionLaunch, cohort_id: int, job_id: str) -> Any:
    job = service.find_export(service.app_jobs(current_app), launch, job_id)
    return jsonify(
        state=job.state.value,
        percent=job.percent,
        done=job.done,
        total=job.total,
        problem=job.problem,
        download=_links(cohort_id, job)["download"] if job.state is JobState.DONE else None,
    )


@bp.get("/c/<int:cohort_id>/portfolio/export/<job_id>/download")
@launch_required()
def export_download(launch: SessionLaunch, cohort_id: int, job_id: str) -> Any:
    jobs = service.app_jobs(current_app)
    job = service.find_export(jobs, launch, job_id)
    path = jobs.result(job)
    if path is None:
        return redirect(tool_url("portfolio.export_page", cohort_id=cohort_id, job_id=job_id))
    response = send_file(
        path,
        mimetype=service.KINDS[job.kind].media_type,
        as_attachment=True,
        download_name=job.download_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
