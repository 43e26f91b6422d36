"""Profile pages: view and edit your own programme profile."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required, require_launch
from ctom_lti.lti.web import tool_url
from ctom_lti.tools.profile.service import form_from, get_profile, save_profile
from ctom_lti.tools.profile.validation import (
    MAX_BIO,
    MAX_LINE,
    MAX_YEARS,
    ProfileForm,
    validate_profile,
)

bp = Blueprint("profile", __name__, template_folder="templates")


def _render(
    cohort_id: int,
    form: ProfileForm,
    errors: dict[str, str] | Any,
    status: int,
    *,
    conflict: ProfileForm | None = None,
) -> tuple[str, int]:
    return (
        render_template(
            "profile/edit.html",
            cohort_id=cohort_id,
            form=form,
            errors=errors,
            conflict=conflict,
            curriculum=load_curriculum(),
            max_line=MAX_LINE,
            max_bio=MAX_BIO,
            max_years=MAX_YEARS,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/profile")
@launch_required()
def edit(cohort_id: int) -> tuple[str, int]:
    launch = require_launch(cohort_id)
    profile = get_profile(get_session(), launch.person_id)
    return _render(cohort_id, form_from(profile), {}, 200)


@bp.post("/c/<int:cohort_id>/profile")
@launch_required()
def save(cohort_id: int) -> tuple[str, int] | Response:
    launch = require_launch(cohort_id)
    form = ProfileForm(
        district=request.form.get("district", ""),
        job_title=request.form.get("job_title", ""),
        years_in_leadership=request.form.get("years_in_leadership", ""),
        expertise=tuple(request.form.getlist("expertise")),
        bio=request.form.get("bio", ""),
        version=request.form.get("version", "0"),
    )
    checked = validate_profile(form, [p.key for p in load_curriculum().principles])
    if checked.values is None:
        return _render(cohort_id, form, checked.errors, 422)
    db = get_session()
    result = save_profile(db, launch.person_id, checked.values, checked.version)
    if not result.saved:
        db.rollback()
        current = form_from(get_profile(db, launch.person_id))
        # Keep what the person typed; saving again from this form replaces the other version.
        mine = ProfileForm(**{**form.__dict__, "version": str(result.version)})
        return _render(cohort_id, mine, {}, 409, conflict=current)
    db.commit()
    flash("Your profile is saved.", "success")
    return redirect(tool_url("home.index", cohort_id=cohort_id))
