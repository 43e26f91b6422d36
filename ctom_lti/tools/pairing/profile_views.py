"""Pairing profile pages: a mentor's or candidate's own, staff editing anyone's in the cohort,
and an admin marking a mentor's evidence verified."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.errors import CtomError
from ctom_lti.features import registry_of
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Person, Role
from ctom_lti.tools.pairing import profiles
from ctom_lti.tools.pairing.profile_forms import (
    MAX_LINE,
    REGION_CHOICES,
    CandidateProfileForm,
    MentorProfileForm,
    candidate_values,
    mentor_values,
)
from ctom_lti.tools.pairing.rules import QUALIFICATION_LABELS, QUALIFICATIONS
from ctom_lti.tools.pairing.views import bp

#: The programme profile's page name (served by another feature, reached through the registry).
PROGRAMME_PROFILE_PAGE = "profile"


class NotInPairing(CtomError):
    status = 404
    title = "No pairing profile here"
    message = "This person is not a mentor or a candidate in this course."
    hint = "Open the pairing profile from the Mentors and eligibility page or the pairing board."


def _form(kind: profiles.Kind, **kwargs: object) -> MentorProfileForm | CandidateProfileForm:
    return MentorProfileForm(**kwargs) if kind == "mentor" else CandidateProfileForm(**kwargs)


def _page(
    launch: SessionLaunch,
    cohort_id: int,
    person_id: int,
    kind: profiles.Kind,
    form: MentorProfileForm | CandidateProfileForm,
    *,
    status: int = 200,
    saved: MentorProfileForm | CandidateProfileForm | None = None,
) -> tuple[str, int]:
    db = get_session()
    own = person_id == launch.person_id
    if own:
        action = tool_url("pairing.own_profile", cohort_id=cohort_id)
    else:
        action = tool_url("pairing.edit_profile", cohort_id=cohort_id, person_id=person_id)
    programme = registry_of(current_app).page(PROGRAMME_PROFILE_PAGE)
    person = db.get(Person, person_id)
    assert person is not None
    return (
        render_template(
            "pairing/profile.html",
            cohort_id=cohort_id,
            kind=kind,
            own=own,
            person=person,
            form=form,
            saved=saved,
            errors=form.first_errors(),
            action=action,
            curriculum=load_curriculum(),
            qualifications=[(k, QUALIFICATION_LABELS[k]) for k in QUALIFICATIONS],
            eligibility=(
                profiles.mentor_eligibility(db, cohort_id, person_id) if kind == "mentor" else None
            ),
            people=profiles.choices(db, cohort_id, person_id),
            programme_endpoint=programme.endpoint if programme else None,
            staff=launch.has_any(Role.INSTRUCTOR, Role.ADMIN),
            max_line=MAX_LINE,
            regions=REGION_CHOICES,
        ),
        status,
    )


def _edit(launch: SessionLaunch, cohort_id: int, person_id: int) -> tuple[str, int] | Response:
    db = get_session()
    kind = profiles.kind_of(db, cohort_id, person_id)
    if kind is None:
        raise NotInPairing()
    if request.method == "GET":
        data = profiles.form_data(db, kind, person_id)
        return _page(launch, cohort_id, person_id, kind, _form(kind, formdata=None, data=data))
    form = _form(kind)
    if not form.validate():
        return _page(launch, cohort_id, person_id, kind, form, status=422)
    if isinstance(form, MentorProfileForm):
        done = profiles.save_mentor(db, person_id, mentor_values(form), form.expected)
    else:
        done = profiles.save_candidate(
            db, cohort_id, person_id, candidate_values(form), form.expected
        )
    if not done:
        db.rollback()
        stored = profiles.form_data(db, kind, person_id)
        saved = _form(kind, formdata=None, data=stored)
        # Keep what was typed; saving again from this form replaces the version saved meanwhile.
        form.version.data, form.base_version.data = stored["version"], stored["base_version"]
        return _page(launch, cohort_id, person_id, kind, form, status=409, saved=saved)
    db.commit()
    flash("The pairing profile is saved.", "success")
    if person_id == launch.person_id:
        return redirect(tool_url("pairing.own_profile", cohort_id=cohort_id))
    return redirect(tool_url("pairing.edit_profile", cohort_id=cohort_id, person_id=person_id))


@bp.route("/c/<int:cohort_id>/pairing/profile", methods=["GET", "POST"])
@launch_required(Role.MENTOR, Role.CANDIDATE)
def own_profile(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | Response:
    return _edit(launch, cohort_id, launch.person_id)


@bp.route("/c/<int:cohort_id>/pairing/people/<int:person_id>/profile", methods=["GET", "POST"])
@launch_required(Role.INSTRUCTOR, Role.ADMIN)
def edit_profile(
    launch: SessionLaunch, cohort_id: int, person_id: int
) -> tuple[str, int] | Response:
    return _edit(launch, cohort_id, person_id)


@bp.post("/c/<int:cohort_id>/pairing/mentors/<int:person_id>/verify")
@launch_required(Role.ADMIN)
def verify(launch: SessionLaunch, cohort_id: int, person_id: int) -> Response:
    db = get_session()
    if profiles.kind_of(db, cohort_id, person_id) != "mentor":
        raise NotInPairing()
    count = profiles.verify_evidence(db, cohort_id, person_id, launch.person_id)
    db.commit()
    flash(f"Evidence of {count} qualifications marked verified.", "success")
    return redirect(tool_url("pairing.mentors", cohort_id=cohort_id))
