"""Changing and deleting an artifact: the candidate's own only. Parse → one service call →
render or redirect; what was typed is shown again on any refusal."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Role
from ctom_lti.tools.portfolio import artifact_edits
from ctom_lti.tools.portfolio.forms import ArtifactDeleteForm, ArtifactEditForm
from ctom_lti.tools.portfolio.models import Artifact
from ctom_lti.tools.portfolio.rules import KIND_LABELS
from ctom_lti.tools.portfolio.storage import app_storage
from ctom_lti.tools.portfolio.views import bp


def _edit_page(
    launch: SessionLaunch,
    artifact: Artifact,
    form: ArtifactEditForm | None = None,
    status: int = 200,
    **extra: Any,
) -> tuple[str, int]:
    if form is None:
        form = ArtifactEditForm(
            formdata=None,
            data={
                "title": artifact.title,
                "principles": list(artifact.principle_keys or ()),
                "session_number": artifact.session_number,
                "version": artifact.version,
            },
        )
    return (
        render_template(
            "portfolio/artifact_edit.html",
            artifact=artifact,
            form=form,
            errors=form.first_errors() if status == 422 else {},
            curriculum=load_curriculum(),
            kinds=KIND_LABELS,
            cohort_id=launch.cohort_id,
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/portfolio/artifacts/<int:artifact_id>/edit")
@launch_required(Role.CANDIDATE)
def edit_artifact(launch: SessionLaunch, cohort_id: int, artifact_id: int) -> tuple[str, int]:
    return _edit_page(launch, artifact_edits.own_artifact(get_session(), launch, artifact_id))


@bp.post("/c/<int:cohort_id>/portfolio/artifacts/<int:artifact_id>/edit")
@launch_required(Role.CANDIDATE)
def save_artifact(launch: SessionLaunch, cohort_id: int, artifact_id: int) -> Any:
    db = get_session()
    form = ArtifactEditForm()
    if not form.validate():
        artifact = artifact_edits.own_artifact(db, launch, artifact_id)
        return _edit_page(
            launch, artifact, form, 422, problem="Please fix the fields marked below."
        )
    change = artifact_edits.edit_artifact(
        db,
        launch,
        artifact_id,
        title=form.title.data or "",
        principle_keys=tuple(form.principles.data or ()),
        session_number=form.session_number.data,
        expected_version=form.expected_version,
    )
    if change.refused is not None:
        db.rollback()
        artifact = artifact_edits.own_artifact(db, launch, artifact_id)
        return _edit_page(launch, artifact, form, 409, problem=change.problem, conflict=True)
    db.commit()
    flash(f"Saved “{change.artifact.title}”.", "success")
    return redirect(tool_url("portfolio.artifacts", cohort_id=cohort_id))


def _delete_page(
    launch: SessionLaunch, artifact_id: int, status: int = 200, **extra: Any
) -> tuple[str, int]:
    preview = artifact_edits.delete_preview(get_session(), launch, artifact_id)
    return (
        render_template(
            "portfolio/artifact_delete.html",
            preview=preview,
            artifact=preview.artifact,
            kinds=KIND_LABELS,
            cohort_id=launch.cohort_id,
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/portfolio/artifacts/<int:artifact_id>/delete")
@launch_required(Role.CANDIDATE)
def confirm_delete(launch: SessionLaunch, cohort_id: int, artifact_id: int) -> tuple[str, int]:
    return _delete_page(launch, artifact_id)


@bp.post("/c/<int:cohort_id>/portfolio/artifacts/<int:artifact_id>/delete")
@launch_required(Role.CANDIDATE)
def delete_artifact(launch: SessionLaunch, cohort_id: int, artifact_id: int) -> Any:
    db = get_session()
    form = ArtifactDeleteForm()
    if not form.validate():
        return _delete_page(launch, artifact_id, 422, problem="The form is out of date.")
    change = artifact_edits.delete_artifact(db, launch, artifact_id, form.expected_version)
    if change.refused is not None:
        db.rollback()
        status = 409 if change.stale else 422
        return _delete_page(launch, artifact_id, status, problem=change.problem)
    title = change.artifact.title
    db.commit()
    artifact_edits.forget_unused_content(db, app_storage(current_app), change.freed_hash)
    flash(f"Deleted “{title}” from your evidence.", "success")
    return redirect(tool_url("portfolio.artifacts", cohort_id=cohort_id))
