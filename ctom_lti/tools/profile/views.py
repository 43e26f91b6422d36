"""Profile pages: parse the form → one service call → render or redirect."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.tools.profile.forms import ProfileForm
from ctom_lti.tools.profile.rules import MAX_BIO, MAX_LINE, ProfileValues
from ctom_lti.tools.profile.service import form_data, save_profile

bp = Blueprint("profile", __name__, template_folder="templates")


def _render(
    cohort_id: int, form: ProfileForm, status: int, *, conflict: ProfileValues | None = None
) -> tuple[str, int]:
    return (
        render_template(
            "profile/edit.html",
            cohort_id=cohort_id,
            form=form,
            errors=form.first_errors(),
            conflict=conflict,
            curriculum=load_curriculum(),
            max_line=MAX_LINE,
            max_bio=MAX_BIO,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/profile")
@launch_required()
def edit(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    form = ProfileForm(formdata=None, data=form_data(get_session(), launch.person_id))
    return _render(cohort_id, form, 200)


@bp.post("/c/<int:cohort_id>/profile")
@launch_required()
def save(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | Response:
    form = ProfileForm()
    if not form.validate():
        return _render(cohort_id, form, 422)
    db = get_session()
    result = save_profile(db, launch.person_id, form.values(), form.expected_version)
    if not result.saved:
        # Keep what the person typed; saving again from this form replaces the other version.
        form.version.data = str(result.version)
        return _render(cohort_id, form, 409, conflict=result.current)
    db.commit()
    flash("Your profile is saved.", "success")
    return redirect(tool_url("home.index", cohort_id=cohort_id))
