"""Portfolio pages for the candidate: the coverage map and the reflection editor (with
autosave). Parse the request → one service call → render or redirect."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Role
from ctom_lti.tools.portfolio import overview, service
from ctom_lti.tools.portfolio.forms import ReflectionForm, UnshareForm
from ctom_lti.tools.portfolio.mentees import reviewer_choice
from ctom_lti.tools.portfolio.pages import reflection_page
from ctom_lti.tools.portfolio.rules import REFUSALS, SHARED, STATUS_LABELS

bp = Blueprint(
    "portfolio",
    __name__,
    template_folder="templates",
    static_folder="static",
    # Its own path: without one, the blueprint's files would hide behind the app's /static.
    static_url_path="/portfolio-static",
)
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/c/<int:cohort_id>/portfolio")
@launch_required()
def index(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    db = get_session()
    if launch.has_any(Role.CANDIDATE) and not launch.has_any(*STAFF):
        cover = overview.candidate_coverage(db, cohort_id, launch.person_id)
        return render_template("portfolio/mine.html", coverage=cover, cohort_id=cohort_id), 200
    rows = overview.portfolio_rows(db, launch)
    return (
        render_template(
            "portfolio/reviews.html",
            rows=rows,
            cohort_id=cohort_id,
            staff=launch.has_any(*STAFF),
            curriculum=load_curriculum(),
            labels=STATUS_LABELS,
        ),
        200,
    )


def _editor(
    launch: SessionLaunch,
    principle_key: str,
    form: ReflectionForm | None = None,
    status: int = 200,
    **extra: Any,
) -> tuple[str, int]:
    page = reflection_page(get_session(), launch, launch.person_id, principle_key)
    if form is None:
        form = ReflectionForm(
            formdata=None,
            data={
                "body": page.reflection.body if page.reflection else "",
                "version": page.version,
                "cited": list(page.reflection.cited_artifact_ids) if page.reflection else [],
            },
        )
    return (
        render_template(
            "portfolio/editor.html",
            page=page,
            form=form,
            errors=form.first_errors() if status == 422 else {},
            cohort_id=launch.cohort_id,
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/portfolio/reflection/<principle_key>")
@launch_required()
def reflection(launch: SessionLaunch, cohort_id: int, principle_key: str) -> Any:
    """A principle's reflection: the candidate's editor, or for reviewers whose to review."""
    service.check_principle(principle_key)
    if launch.has_any(Role.CANDIDATE) and not launch.has_any(*STAFF, Role.MENTOR):
        return _editor(launch, principle_key)
    choice = reviewer_choice(get_session(), launch, principle_key)
    if choice.only is not None:
        return redirect(
            tool_url(
                "portfolio.review",
                cohort_id=cohort_id,
                candidate_id=choice.only,
                principle_key=principle_key,
            )
        )
    return render_template("portfolio/choose.html", choice=choice, cohort_id=cohort_id), 200


@bp.post("/c/<int:cohort_id>/portfolio/reflection/<principle_key>")
@launch_required(Role.CANDIDATE)
def save(launch: SessionLaunch, cohort_id: int, principle_key: str) -> Any:
    form = ReflectionForm()
    share = request.form.get("action") == "share"
    if not form.validate():
        if wants_json():
            return jsonify(error=next(iter(form.first_errors().values()))), 422
        return _editor(launch, principle_key, form, 422)
    db = get_session()
    outcome = service.save_reflection(
        db,
        launch,
        principle_key,
        body=form.text,
        cited=form.cited_ids,
        expected_version=form.expected_version,
        share=share,
    )
    if not outcome.decision.allowed:
        db.rollback()
        refused = outcome.decision.refused
        assert refused is not None
        status = 409 if outcome.stale else 422
        if wants_json():
            return jsonify(error=REFUSALS[refused], refused=refused), status
        return _editor(
            launch, principle_key, form, status, problem=REFUSALS[refused], conflict=outcome.stale
        )
    db.commit()
    saved = outcome.reflection
    assert saved is not None
    if wants_json():
        return jsonify(
            version=saved.version, status=saved.status, label=STATUS_LABELS[saved.status]
        )
    flash(
        "Shared with your mentor and instructors."
        if share
        else (
            "Saved; your mentor and instructors see the change."
            if saved.status == SHARED
            else "Draft saved."
        ),
        "success",
    )
    return redirect(
        tool_url("portfolio.reflection", cohort_id=cohort_id, principle_key=principle_key)
    )


@bp.post("/c/<int:cohort_id>/portfolio/reflection/<principle_key>/unshare")
@launch_required(Role.CANDIDATE)
def unshare(launch: SessionLaunch, cohort_id: int, principle_key: str) -> Any:
    form = UnshareForm()
    if not form.validate():
        return _editor(
            launch, principle_key, status=422, problem="The form is out of date; reload the page."
        )
    db = get_session()
    outcome = service.unshare(db, launch, principle_key, form.expected_version)
    if not outcome.decision.allowed:
        db.rollback()
        refused = outcome.decision.refused
        assert refused is not None
        return _editor(
            launch, principle_key, status=409 if outcome.stale else 422, problem=REFUSALS[refused]
        )
    db.commit()
    flash("Back to draft: your mentor and instructors no longer see it as ready.", "success")
    return redirect(
        tool_url("portfolio.reflection", cohort_id=cohort_id, principle_key=principle_key)
    )
