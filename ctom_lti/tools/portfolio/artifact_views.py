"""Artifact pages: the candidate's evidence list and the form adding a file, link or Canvas
submission; and the one way any file is read back (checked on every request, always served as
an attachment unless it is a raster image, never sniffed)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request
from werkzeug.datastructures import FileStorage

from ctom_lti.canvas import RetryPolicy
from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.db import get_session
from ctom_lti.errors import CtomError
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Cohort, Role
from ctom_lti.tools.portfolio import artifacts as service
from ctom_lti.tools.portfolio import submissions
from ctom_lti.tools.portfolio.artifacts import NewArtifact, UploadRefused
from ctom_lti.tools.portfolio.filetypes import ACCEPTED_LABEL
from ctom_lti.tools.portfolio.forms import ArtifactForm
from ctom_lti.tools.portfolio.storage import app_storage
from ctom_lti.tools.portfolio.submissions import SubmissionRefused, SubmissionSource
from ctom_lti.tools.portfolio.views import _editor, bp


def max_upload() -> int:
    return int(current_app.config["PORTFOLIO_MAX_UPLOAD_MB"]) * 1_000_000


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Before CSRF protection reads the form: an upload may be larger than other forms. A body
    # well over the file limit is still read, so the page can say so and keep the text typed.
    if endpoint == "portfolio.add_artifact":
        request.max_content_length = 2 * max_upload() + 1_000_000


#: A person waits for the page: two quick tries, not a batch job's patience.
PAGE_RETRIES = RetryPolicy(attempts=2, initial_wait=0.2, max_wait=0.5)
PAGE_TIMEOUT = (3.0, 10.0)


def canvas_source(launch: SessionLaunch) -> tuple[SubmissionSource | None, str]:
    """The cohort's Canvas gateway, or None and why it cannot be made."""
    db = get_session()
    cohort = db.get(Cohort, launch.cohort_id)
    if cohort is None:
        return None, "the course is not known."
    try:
        gateway = cohort_gateway(
            db, cohort, get_fernet(current_app), retry_policy=PAGE_RETRIES, timeout=PAGE_TIMEOUT
        )
    except CtomError as exc:
        return None, exc.message
    return gateway, ""


def _artifacts_page(
    launch: SessionLaunch, form: ArtifactForm | None = None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    db = get_session()
    from ctom_lti.curriculum import load_curriculum

    source, problem = canvas_source(launch)
    return (
        render_template(
            "portfolio/artifacts.html",
            artifacts=service.artifacts_of(db, launch.cohort_id, launch.person_id),
            form=form or ArtifactForm(formdata=None),
            errors=form.first_errors() if form is not None and status >= 400 else {},
            curriculum=load_curriculum(),
            cohort_id=launch.cohort_id,
            accepted=ACCEPTED_LABEL,
            max_mb=max_upload() // 1_000_000,
            picker=submissions.read_picker(db, launch, source, problem),
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/portfolio/artifacts")
@launch_required(Role.CANDIDATE)
def artifacts(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    return _artifacts_page(launch)


def _refused(launch: SessionLaunch, form: ArtifactForm, status: int, problem: str) -> Any:
    """The page the form came from, with the problem, the form and the reflection as typed."""
    principle = request.form.get("principle") or ""
    if principle:
        return _editor(
            launch,
            principle,
            status=status,
            problem=problem,
            artifact_form=form,
            body_draft=form.body_draft.data,
        )
    return _artifacts_page(launch, form, status, problem=problem)


@bp.post("/c/<int:cohort_id>/portfolio/artifacts")
@launch_required(Role.CANDIDATE)
def add_artifact(launch: SessionLaunch, cohort_id: int) -> Any:
    form = ArtifactForm()
    if not form.validate():
        return _refused(launch, form, 422, "Please fix the fields marked below.")
    new = NewArtifact(
        form.title.data or "", tuple(form.principles.data or ()), form.session_number.data
    )
    db = get_session()
    try:
        if form.kind.data == "file":
            upload = request.files.get("file")
            if not isinstance(upload, FileStorage) or not upload.filename:
                return _refused(launch, form, 422, "Choose a file to upload.")
            content = upload.stream.read(max_upload() + 1)
            service.add_file(
                db,
                app_storage(current_app),
                launch,
                new,
                original_name=upload.filename,
                content=content,
                max_bytes=max_upload(),
            )
        elif form.kind.data == "link":
            service.add_link(db, launch, new, form.url.data or "")
        else:
            source, problem = canvas_source(launch)
            added = submissions.add_picked(
                db, launch, new, form.submission.data or "", source=source, problem=problem
            )
            new = NewArtifact(added.title, new.principle_keys, new.session_number)
    except (UploadRefused, SubmissionRefused) as refused:
        db.rollback()
        return _refused(launch, form, refused.status, f"{refused.message} {refused.hint}")
    db.commit()
    flash(f"Added “{new.title.strip()}” to your evidence.", "success")
    principle = request.form.get("principle")
    if principle:
        return redirect(
            tool_url("portfolio.reflection", cohort_id=cohort_id, principle_key=principle)
        )
    return redirect(tool_url("portfolio.artifacts", cohort_id=cohort_id))


@bp.get("/c/<int:cohort_id>/portfolio/files/<int:artifact_id>")
@launch_required()
def download(launch: SessionLaunch, cohort_id: int, artifact_id: int) -> Any:
    """An artifact's file, to whoever may read the portfolio it is in (and nobody else)."""
    found = service.open_file(get_session(), app_storage(current_app), launch, artifact_id)
    inline = found.inline_ok and request.args.get("inline") == "1"
    response = current_app.response_class(
        _chunks(found.stream), mimetype=found.media_type, direct_passthrough=True
    )
    response.headers["Content-Length"] = str(found.size)
    response.headers.set(
        "Content-Disposition", "inline" if inline else "attachment", filename=found.name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _chunks(stream: Any) -> Any:
    with stream:
        while chunk := stream.read(64 * 1024):
            yield chunk
