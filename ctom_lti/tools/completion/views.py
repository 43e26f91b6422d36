"""Completion pages: parse the request → one service call → render or redirect."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from ctom_lti.canvas import CanvasGateway
from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.db import get_session
from ctom_lti.features import registry_of
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Cohort, Role
from ctom_lti.tools.completion import service, snapshots
from ctom_lti.tools.completion.export import csv_text
from ctom_lti.tools.completion.forms import FreezeForm, OverrideForm
from ctom_lti.tools.completion.grade_column import queue_changes
from ctom_lti.tools.completion.overrides import find_override, set_override
from ctom_lti.tools.completion.results import Overall, State
from ctom_lti.tools.completion.settings import RULES
from ctom_lti.tools.completion.table import filter_results

bp = Blueprint("completion", __name__, template_folder="templates")
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def _check(cohort_id: int) -> service.CohortCheck:
    db = get_session()
    fernet = get_fernet(current_app)

    def open_gateway(cohort: Cohort) -> CanvasGateway:
        return cohort_gateway(db, cohort, fernet)

    return service.check_cohort(
        db,
        cohort_id,
        features=registry_of(current_app).features,
        open_gateway=open_gateway,
        today=date.today(),
    )


@bp.get("/c/<int:cohort_id>/completion")
@launch_required(Role.CANDIDATE, *STAFF)
def index(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    check = _check(cohort_id)
    if not launch.has_any(*STAFF):
        mine = check.result_for(launch.person_id)
        return render_template("completion/checklist.html", result=mine, check=check), 200
    # Staff looking at the table is the check running: a changed decision goes to Canvas.
    if queue_changes(get_session(), check):
        get_session().commit()
    chosen = filter_results(check.results, request.args)
    return render_template(
        "completion/table.html",
        check=check,
        cohort_id=cohort_id,
        results=chosen,
        rules=RULES,
        overalls=list(Overall),
        states=list(State),
        filters=request.args,
    ), 200


@bp.get("/c/<int:cohort_id>/completion/export.csv")
@launch_required(*STAFF)
def export(launch: SessionLaunch, cohort_id: int) -> Response:
    check = _check(cohort_id)
    body = csv_text(filter_results(check.results, request.args))
    name = f"completion-{check.cohort.sis_course_id or cohort_id}-{check.evidence.today}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _candidate_page(
    launch: SessionLaunch, cohort_id: int, person_id: int, status: int = 200, **extra: object
) -> tuple[str, int]:
    check = _check(cohort_id)
    result = check.result_for(person_id)
    db = get_session()
    versions = {
        key: (row.version if row else 0)
        for key, _ in RULES
        for row in [find_override(db, cohort_id, person_id, key)]
    }
    return render_template(
        "completion/candidate.html",
        check=check,
        cohort_id=cohort_id,
        result=result,
        person_id=person_id,
        versions=versions,
        is_admin=launch.has_any(Role.ADMIN),
        **extra,
    ), status if result is not None else 404


@bp.get("/c/<int:cohort_id>/completion/candidates/<int:person_id>")
@launch_required(*STAFF)
def candidate(launch: SessionLaunch, cohort_id: int, person_id: int) -> tuple[str, int]:
    return _candidate_page(launch, cohort_id, person_id)


@bp.post("/c/<int:cohort_id>/completion/candidates/<int:person_id>/override")
@launch_required(Role.ADMIN)
def override(
    launch: SessionLaunch, cohort_id: int, person_id: int
) -> tuple[str, int] | BaseResponse:
    form = OverrideForm()
    if not form.validate():
        return _candidate_page(
            launch, cohort_id, person_id, 422, problem=" ".join(form.first_errors().values()),
            typed=form.data,
        )  # fmt: skip
    db = get_session()
    change = set_override(
        db,
        cohort_id,
        person_id,
        str(form.rule.data),
        justification=(form.justification.data or "").strip(),
        expected_version=form.expected_version,
        actor_id=launch.person_id,
        actor_name=service.person_name(db, launch.person_id),
        revoke=bool(form.revoke.data),
    )
    if change.stale:
        db.rollback()
        return _candidate_page(
            launch, cohort_id, person_id, 409, typed=form.data,
            problem="Someone else changed this override first; nothing was changed. "
            "Their version is shown below; your text is kept in the form.",
            theirs=change.current.justification if change.current else "",
        )  # fmt: skip
    if change.refused:
        db.rollback()
        return _candidate_page(
            launch, cohort_id, person_id, 422, problem=change.refused, typed=form.data
        )
    db.commit()
    flash("Override revoked." if form.revoke.data else "Override recorded.", "success")
    return redirect(tool_url("completion.candidate", cohort_id=cohort_id, person_id=person_id))


@bp.get("/c/<int:cohort_id>/completion/snapshots")
@launch_required(*STAFF)
def snapshot_list(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    rows = snapshots.snapshots(get_session(), cohort_id)
    return render_template(
        "completion/snapshots.html",
        cohort_id=cohort_id,
        rows=rows,
        is_admin=launch.has_any(Role.ADMIN),
        form=FreezeForm(formdata=None),
    ), 200


@bp.post("/c/<int:cohort_id>/completion/snapshots")
@launch_required(Role.ADMIN)
def freeze(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | BaseResponse:
    form = FreezeForm()
    if not form.validate():
        rows = snapshots.snapshots(get_session(), cohort_id)
        return render_template(
            "completion/snapshots.html", cohort_id=cohort_id, rows=rows, is_admin=True,
            form=form, problem=" ".join(form.first_errors().values()),
        ), 422  # fmt: skip
    check = _check(cohort_id)
    db = get_session()
    row = snapshots.freeze(
        db,
        check,
        actor_id=launch.person_id,
        actor_name=service.person_name(db, launch.person_id),
        note=(form.note.data or "").strip(),
    )
    queue_changes(db, check)
    db.commit()
    flash(f"Frozen as of {row.as_of}: {row.completed} of {row.candidates} complete.", "success")
    return redirect(tool_url("completion.snapshot_show", cohort_id=cohort_id, snapshot_id=row.id))


@bp.get("/c/<int:cohort_id>/completion/snapshots/<int:snapshot_id>")
@launch_required(*STAFF)
def snapshot_show(launch: SessionLaunch, cohort_id: int, snapshot_id: int) -> tuple[str, int]:
    row = snapshots.snapshot(get_session(), cohort_id, snapshot_id)
    return render_template(
        "completion/snapshot.html", cohort_id=cohort_id, row=row, rules=RULES, verification=None
    ), 200


@bp.post("/c/<int:cohort_id>/completion/snapshots/<int:snapshot_id>/verify")
@launch_required(*STAFF)
def snapshot_verify(launch: SessionLaunch, cohort_id: int, snapshot_id: int) -> tuple[str, int]:
    verification = snapshots.verify(get_session(), cohort_id, snapshot_id)
    return render_template(
        "completion/snapshot.html",
        cohort_id=cohort_id,
        row=verification.snapshot,
        rules=RULES,
        verification=verification,
    ), 200
