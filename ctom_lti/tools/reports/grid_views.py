"""Staff report pages: the cohort grid, the admin overview of every cohort, and CSV exports
(parse → one service call → render)."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from ctom_lti.db import get_session, utcnow
from ctom_lti.errors import Unprocessable
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Cohort, Person, Role
from ctom_lti.tools.reports import exports, grid
from ctom_lti.tools.reports.reminders import STEP_LABELS
from ctom_lti.tools.reports.service import sync_schedule
from ctom_lti.tools.reports.views import bp, due_day_setting

STAFF = (Role.INSTRUCTOR, Role.ADMIN)


class BadFilter(Unprocessable):
    title = "That filter is not one the grid knows"
    hint = "Pick a mentor and a state from the lists, or clear the filter."


def _cohort(cohort_id: int) -> Cohort:
    """The cohort, with its report rows made up to today."""
    db = get_session()
    if sync_schedule(db, cohort_id, default_due_day=due_day_setting(), now=utcnow()).changed:
        db.commit()
    cohort = db.get(Cohort, cohort_id)
    assert cohort is not None  # launch_required checked the launch is into this cohort
    return cohort


def _filters() -> tuple[int | None, str | None]:
    raw_mentor = request.args.get("mentor", "").strip()
    raw_state = request.args.get("state", "").strip()
    if raw_mentor and not raw_mentor.isdigit():
        raise BadFilter(f"{raw_mentor!r} is not a mentor of this cohort.")
    if raw_state and raw_state not in grid.STATES:
        raise BadFilter(f"{raw_state!r} is not a report state.")
    return (int(raw_mentor) if raw_mentor else None), (raw_state or None)


@bp.get("/c/<int:cohort_id>/reports/grid")
@launch_required(*STAFF)
def cohort_grid(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    """Candidates by months with each report's state, filtered by mentor and state."""
    mentor_id, state = _filters()
    cohort = _cohort(cohort_id)
    today = grid.cohort_today(cohort, utcnow())
    found = grid.cohort_grid(get_session(), cohort_id, today, mentor_id=mentor_id, state=state)
    return (
        render_template(
            "reports/grid.html",
            launch=launch,
            cohort=cohort,
            cohort_id=cohort_id,
            grid=found,
            mentor_id=mentor_id,
            state=state,
            states=grid.STATES,
            state_labels=grid.STATE_LABELS,
            step_labels=STEP_LABELS,
            is_admin=launch.has_any(Role.ADMIN),
        ),
        200,
    )


@bp.get("/c/<int:cohort_id>/reports/overview")
@launch_required(Role.ADMIN)
def overview(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    """Every cohort of this Canvas registration, its reports counted by state."""
    summaries = grid.overview(get_session(), launch.platform_id, utcnow())
    return (
        render_template(
            "reports/overview.html",
            launch=launch,
            cohort_id=cohort_id,
            summaries=summaries,
            totals=grid.overview_totals(summaries),
            states=grid.STATES,
            state_labels=grid.STATE_LABELS,
        ),
        200,
    )


@bp.get("/c/<int:cohort_id>/reports/export.csv")
@launch_required(Role.MENTOR, *STAFF)
def export_csv(launch: SessionLaunch, cohort_id: int) -> Response:
    """The cohort's reports as CSV; ``mentor=ID`` for one mentor's. Mentors get their own."""
    mentor_id, _ = _filters()
    if not launch.has_any(*STAFF):
        mentor_id = launch.person_id
    cohort = _cohort(cohort_id)
    today = grid.cohort_today(cohort, utcnow())
    mentor = get_session().get(Person, mentor_id) if mentor_id is not None else None
    mentor_name = (mentor.name or mentor.email or f"mentor-{mentor.id}") if mentor else None
    lines = exports.rows(get_session(), cohort_id, today, mentor_id=mentor_id)
    response = Response(
        stream_with_context(exports.stream(lines)), mimetype="text/csv; charset=utf-8"
    )
    name = exports.filename(cohort.sis_course_id, cohort_id, mentor_name)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
