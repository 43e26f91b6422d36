"""Portfolio pages for reviewers (the candidate's mentor, the cohort's instructors): a
candidate's coverage map, a reflection's review view, comments, sign-off and reopening."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template
from werkzeug.wrappers import Response

from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Person
from ctom_lti.tools.portfolio import overview, service
from ctom_lti.tools.portfolio.forms import CommentForm, ReopenForm, SignOffForm
from ctom_lti.tools.portfolio.pages import reflection_page
from ctom_lti.tools.portfolio.people import display_name, require
from ctom_lti.tools.portfolio.rules import REFUSALS
from ctom_lti.tools.portfolio.views import _editor, bp


@bp.get("/c/<int:cohort_id>/portfolio/p/<int:candidate_id>")
@launch_required()
def candidate(launch: SessionLaunch, cohort_id: int, candidate_id: int) -> tuple[str, int]:
    """A candidate's coverage map as a reviewer sees it, marking what changed since their
    last visit (which this visit then becomes)."""
    db = get_session()
    require(db, launch, candidate_id, "read")
    seen = overview.last_visit(db, launch.person_id, cohort_id, candidate_id)
    cover = overview.candidate_coverage(db, cohort_id, candidate_id, since=seen)
    person = db.get(Person, candidate_id)
    if candidate_id != launch.person_id:
        overview.record_visit(db, launch.person_id, cohort_id, candidate_id)
        db.commit()
    return (
        render_template(
            "portfolio/candidate.html",
            coverage=cover,
            cohort_id=cohort_id,
            candidate_id=candidate_id,
            name=display_name(person),
            last_seen=seen,
        ),
        200,
    )


def _review(
    launch: SessionLaunch, candidate_id: int, principle_key: str, status: int = 200, **extra: Any
) -> tuple[str, int]:
    page = reflection_page(get_session(), launch, candidate_id, principle_key)
    return (
        render_template(
            "portfolio/review.html",
            page=page,
            cohort_id=launch.cohort_id,
            current_person_id=launch.person_id,
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/portfolio/p/<int:candidate_id>/reflection/<principle_key>")
@launch_required()
def review(launch: SessionLaunch, cohort_id: int, candidate_id: int, principle_key: str) -> Any:
    if candidate_id == launch.person_id:
        return redirect(
            tool_url("portfolio.reflection", cohort_id=cohort_id, principle_key=principle_key)
        )
    return _review(launch, candidate_id, principle_key)


def _back(cohort_id: int, candidate_id: int, principle_key: str) -> Response:
    return redirect(
        tool_url(
            "portfolio.review",
            cohort_id=cohort_id,
            candidate_id=candidate_id,
            principle_key=principle_key,
        )
    )


@bp.post("/c/<int:cohort_id>/portfolio/p/<int:candidate_id>/reflection/<principle_key>/sign-off")
@launch_required()
def sign_off(launch: SessionLaunch, cohort_id: int, candidate_id: int, principle_key: str) -> Any:
    form = SignOffForm()
    if not form.validate():
        return _review(
            launch, candidate_id, principle_key, 422, problem="Reload the page and try again."
        )
    db = get_session()
    outcome = service.sign_off(db, launch, candidate_id, principle_key, form.expected_version)
    if not outcome.decision.allowed:
        db.rollback()
        refused = outcome.decision.refused
        assert refused is not None
        problem = REFUSALS[refused]
        if outcome.stale:
            problem += " Nothing was signed off; read the version below and sign it off again."
        return _review(
            launch, candidate_id, principle_key, 409 if outcome.stale else 422, problem=problem
        )
    db.commit()
    flash("Signed off. The reflection is now locked.", "success")
    return _back(cohort_id, candidate_id, principle_key)


@bp.post("/c/<int:cohort_id>/portfolio/p/<int:candidate_id>/reflection/<principle_key>/reopen")
@launch_required()
def reopen(launch: SessionLaunch, cohort_id: int, candidate_id: int, principle_key: str) -> Any:
    form = ReopenForm()
    if not form.validate():
        return _review(
            launch,
            candidate_id,
            principle_key,
            422,
            problem=next(iter(form.first_errors().values())),
            reason=form.reason.data or "",
        )
    db = get_session()
    outcome = service.reopen(
        db,
        launch,
        candidate_id,
        principle_key,
        expected_version=form.expected_version,
        reason=form.reason.data or "",
    )
    if not outcome.decision.allowed:
        db.rollback()
        refused = outcome.decision.refused
        assert refused is not None
        return _review(
            launch,
            candidate_id,
            principle_key,
            409 if outcome.stale else 422,
            problem=REFUSALS[refused],
            reason=form.reason.data or "",
        )
    db.commit()
    flash("Reopened; the candidate sees your reason.", "success")
    return _back(cohort_id, candidate_id, principle_key)


def _comment(
    launch: SessionLaunch, candidate_id: int, principle_key: str, artifact_id: int | None
) -> Any:
    form = CommentForm()
    if not form.validate():
        problem = next(iter(form.first_errors().values()))
        if candidate_id == launch.person_id:
            return _editor(
                launch, principle_key, status=422, problem=problem, comment=form.body.data or ""
            )
        return _review(
            launch, candidate_id, principle_key, 422, problem=problem, comment=form.body.data or ""
        )
    db = get_session()
    service.add_comment(
        db,
        launch,
        candidate_id,
        form.body.data or "",
        principle_key=principle_key,
        artifact_id=artifact_id,
    )
    db.commit()
    flash("Comment added.", "success")
    if candidate_id == launch.person_id:
        return redirect(
            tool_url(
                "portfolio.reflection", cohort_id=launch.cohort_id, principle_key=principle_key
            )
        )
    return _back(launch.cohort_id, candidate_id, principle_key)


@bp.post("/c/<int:cohort_id>/portfolio/p/<int:candidate_id>/reflection/<principle_key>/comment")
@launch_required()
def comment(launch: SessionLaunch, cohort_id: int, candidate_id: int, principle_key: str) -> Any:
    return _comment(launch, candidate_id, principle_key, None)


@bp.post(
    "/c/<int:cohort_id>/portfolio/p/<int:candidate_id>/reflection/<principle_key>"
    "/artifact/<int:artifact_id>/comment"
)
@launch_required()
def artifact_comment(
    launch: SessionLaunch, cohort_id: int, candidate_id: int, principle_key: str, artifact_id: int
) -> Any:
    return _comment(launch, candidate_id, principle_key, artifact_id)
