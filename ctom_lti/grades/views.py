"""The grade outbox page for staff: what has not reached the gradebook yet, with Retry.

Other pages show their own failed posts with the ``grades/_failed_posts.html`` partial, whose
Retry buttons post here and come back to the page named in ``back``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.db import get_session
from ctom_lti.grades import outbox
from ctom_lti.grades.soon import after_request, watch_commits
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Role

bp = Blueprint("grades", __name__, template_folder="templates")
bp.record_once(watch_commits)
bp.after_app_request(after_request)
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


@bp.get("/c/<int:cohort_id>/grades")
@launch_required(*STAFF)
def index(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    db = get_session()
    return (
        render_template(
            "grades/index.html",
            cohort_id=cohort_id,
            counts=outbox.state_counts(db, cohort_id),
            posts=outbox.open_posts(db, cohort_id),
        ),
        200,
    )


def _back(cohort_id: int) -> Response:
    wanted = request.form.get("back") or "grades.index"
    endpoint = wanted if wanted in current_app.view_functions else "grades.index"
    try:
        return redirect(tool_url(endpoint, cohort_id=cohort_id))
    except Exception:  # an endpoint that does not take just the cohort: the outbox page
        return redirect(tool_url("grades.index", cohort_id=cohort_id))


@bp.post("/c/<int:cohort_id>/grades/retry")
@launch_required(*STAFF)
def retry(launch: SessionLaunch, cohort_id: int) -> Response:
    raw = request.form.get("post_id", "")
    post_id = int(raw) if raw.isdigit() else None
    db = get_session()
    ids = outbox.retry_failed(db, cohort_id, post_id)
    db.commit()
    if ids:
        flash(
            f"{len(ids)} grade post{'s' if len(ids) != 1 else ''} sent to Canvas again; the "
            "page shows any that still fail.",
            "success",
        )
    else:
        flash("Nothing to retry: the post is no longer failed.", "info")
    return _back(cohort_id)
