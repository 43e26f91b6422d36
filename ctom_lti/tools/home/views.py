"""The home page of a cohort."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, render_template, request

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required, require_launch
from ctom_lti.lti.roles import ROLE_PRECEDENCE
from ctom_lti.tools.home.actions import HomeFacts, home_actions
from ctom_lti.tools.home.service import home_summary

bp = Blueprint("home", __name__, template_folder="templates")

_PAGE_NAMES = {
    "reports": "Monthly mentor reports",
    "pairing": "Mentor pairing",
    "reflection": "Portfolio reflections",
}


@bp.get("/c/<int:cohort_id>/")
@launch_required()
def index(cohort_id: int) -> str:
    launch = require_launch(cohort_id)
    summary = home_summary(get_session(), launch)
    actions = home_actions(HomeFacts(launch.roles, summary.has_profile))
    # A link placed in Canvas for a page that has not shipped yet lands here; say so.
    pending = _PAGE_NAMES.get(request.args.get("page", ""))
    principle = None
    if pending and request.args.get("principle"):
        try:
            principle = load_curriculum().principle(request.args["principle"]).name
        except KeyError:
            principle = None
    return render_template(
        "home/index.html",
        launch=launch,
        summary=summary,
        actions=[
            a
            if a.endpoint is None or a.endpoint in current_app.view_functions
            else replace(a, endpoint=None)
            for a in actions
        ],
        roles=[r for r in ROLE_PRECEDENCE if r in launch.roles],
        pending=pending,
        principle=principle,
    )
