"""Pushing pairings to Canvas from the board: the button starts a push in the background and
returns to the board, which shows its progress (polled from ``push_progress``) and then its
outcome."""

from __future__ import annotations

from flask import current_app, jsonify, redirect
from werkzeug.wrappers import Response

from ctom_lti.db import get_session
from ctom_lti.errors import NotFound
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.tools.pairing.push_runs import push_status, run_in_background, start_push
from ctom_lti.tools.pairing.views import STAFF, bp


@bp.post("/c/<int:cohort_id>/pairing/push")
@launch_required(*STAFF)
def push(launch: SessionLaunch, cohort_id: int) -> Response:
    db = get_session()
    row, new = start_push(db, cohort_id)
    db.commit()
    if new:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_in_background(app, cohort_id, row.id)
    return redirect(tool_url("pairing.index", cohort_id=cohort_id, push=row.id), code=303)


@bp.get("/c/<int:cohort_id>/pairing/push/<int:push_id>")
@launch_required(*STAFF)
def push_progress(launch: SessionLaunch, cohort_id: int, push_id: int) -> Response:
    status = push_status(get_session(), cohort_id, push_id, current_app)
    if status is None:
        raise NotFound(
            "That push to Canvas is not one of this cohort's.", hint="Open the pairing board again."
        )
    return jsonify(status=status.status, running=status.running, lines=list(status.lines))
