"""Report pages: parse the request → one service call → render or redirect."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ctom_lti.db import get_session, utcnow
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Cohort, Role
from ctom_lti.tools.reports import dashboard
from ctom_lti.tools.reports.rules import OVERALL_LABELS
from ctom_lti.tools.reports.service import cohort_today, sync_schedule

bp = Blueprint(
    "reports",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/reports-static",
)
STAFF = (Role.INSTRUCTOR, Role.ADMIN)
PARTICIPANTS = (Role.MENTOR, Role.CANDIDATE, *STAFF)


def due_day_setting() -> int:
    return int(current_app.config["REPORTS_DUE_DAY"])


@bp.get("/c/<int:cohort_id>/reports")
@launch_required(*PARTICIPANTS)
def index(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    """Mentors: their mentees by month. Candidates: their shared reports. Staff: the reports
    waiting for review."""
    db = get_session()
    now = utcnow()
    if sync_schedule(db, cohort_id, default_due_day=due_day_setting(), now=now).changed:
        db.commit()
    cohort = db.get(Cohort, cohort_id)
    assert cohort is not None
    today = cohort_today(cohort, now)
    mine = (
        dashboard.mentor_dashboard(db, cohort_id, launch.person_id, today)
        if launch.has_any(Role.MENTOR)
        else []
    )
    shared = (
        dashboard.candidate_reports(db, cohort_id, launch.person_id)
        if launch.has_any(Role.CANDIDATE)
        else []
    )
    waiting = dashboard.waiting_for_review(db, cohort_id) if launch.has_any(*STAFF) else []
    links = {
        line.id: tool_url("reports.report", cohort_id=cohort_id, report_id=line.id)
        for line in (*mine, *shared, *waiting)
    }
    return (
        render_template(
            "reports/index.html",
            launch=launch,
            cohort_id=cohort_id,
            today=today,
            is_mentor=launch.has_any(Role.MENTOR),
            is_candidate=launch.has_any(Role.CANDIDATE),
            is_staff=launch.has_any(*STAFF),
            mine=mine,
            counts=dashboard.counts(mine),
            shared=shared,
            waiting=waiting,
            links=links,
            status_labels=dashboard.STATUS_LABELS,
            overall_labels=OVERALL_LABELS,
        ),
        200,
    )
