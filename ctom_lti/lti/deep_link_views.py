"""The deep-link picker: where an instructor chooses the pages a Canvas 'add content' launch places.

A deep-linking launch (``views.launch``) opens the picker; its answer is a signed deep-linking
response posted back to Canvas (``deep_linking`` builds the items and the JWT).
"""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.errors import BadRequest, Forbidden
from ctom_lti.features import registry_of
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.config_json import LAUNCH_PATH
from ctom_lti.lti.deep_linking import (
    content_items,
    picker_items,
    response_jwt,
    select_items,
)
from ctom_lti.lti.services import registration_for
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.sessions import current_session
from ctom_lti.models import Role

bp = Blueprint("deep_link", __name__)


def _require_content_placer(launch: SessionLaunch) -> None:
    """Refuse unless the person may place content in Canvas (instructors and admins).

    Canvas also sends deep-linking launches to students (a rich-content editor's tool button),
    so the message type alone does not make someone an author of the course.
    """
    if not launch.has_any(Role.INSTRUCTOR, Role.ADMIN):
        raise Forbidden(
            "Only instructors and programme administrators can add CTO Mentor pages to Canvas.",
            hint="Close this window. To share a page with your course, ask your instructor.",
        )


@bp.get("/c/<int:cohort_id>/deep-link")
@launch_required()
def picker(launch: SessionLaunch, cohort_id: int) -> str:
    _require_content_placer(launch)
    if launch.deep_link is None:
        raise Forbidden(
            "Pages can only be added to Canvas from a Canvas 'add content' launch.",
            hint="In Canvas, add an external tool item to a module or an assignment and choose "
            "CTO Mentor.",
        )
    return _render_picker(launch.cohort_id, launch.deep_link.accept_multiple)


@bp.post("/c/<int:cohort_id>/deep-link")
@launch_required()
def submit(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | Response:
    _require_content_placer(launch)
    settings = launch.deep_link
    if settings is None:
        raise BadRequest("This session did not come from a Canvas 'add content' launch.")
    items = picker_items(load_curriculum(), registry_of(current_app).linkable_pages)
    chosen = request.form.getlist("item")
    picked, problem = select_items(items, chosen, settings)
    if problem is not None:
        return _render_picker(cohort_id, settings.accept_multiple, problem, chosen), 422
    registration = registration_for(current_app, launch.platform_id)
    if registration is None:
        raise Forbidden("This Canvas developer key is no longer registered with the tool.")
    gradable = launch.placement == "assignment_selection"
    resources = content_items(
        picked, str(current_app.config["BASE_URL"]).rstrip("/") + LAUNCH_PATH, gradable=gradable
    )
    token = response_jwt(registration, launch.deployment_id, settings, resources)
    # A deep-linking request is answered once; the session stays for the cohort's pages.
    current = current_session()
    current["launch"] = {**current["launch"], "dl": None}
    response = make_response(
        render_template("lti/deep_link_return.html", return_url=settings.return_url, jwt=token)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_picker(
    cohort_id: int,
    accept_multiple: bool,
    problem: str | None = None,
    chosen: list[str] | None = None,
) -> str:
    groups: dict[str, list[object]] = {}
    for item in picker_items(load_curriculum(), registry_of(current_app).linkable_pages):
        groups.setdefault(item.group, []).append(item)
    return render_template(
        "lti/deep_link_picker.html",
        cohort_id=cohort_id,
        groups=groups,
        accept_multiple=accept_multiple,
        problem=problem,
        chosen=set(chosen or ()),
    )
