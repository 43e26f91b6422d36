"""One report's pages: the mentor writes (draft, autosave, submit), staff review, the candidate
reads the shared parts, anyone who may read it prints it."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.errors import CtomError
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Cohort, Person, Role
from ctom_lti.tools.reports import prefill, report_service
from ctom_lti.tools.reports.dashboard import STATUS_LABELS
from ctom_lti.tools.reports.forms import ReportForm, content_of, stored_form
from ctom_lti.tools.reports.models import NOT_STARTED, ProgressReport
from ctom_lti.tools.reports.report_service import ReportNotFound
from ctom_lti.tools.reports.rules import (
    MODES,
    OVERALL_LABELS,
    PARTS,
    RATINGS,
    RISKS,
    Access,
    ReportContent,
    access,
)
from ctom_lti.tools.reports.schedule import month_label
from ctom_lti.tools.reports.views import STAFF, bp

PARTICIPANTS = (Role.MENTOR, Role.CANDIDATE, *STAFF)


def _load(launch: SessionLaunch, cohort_id: int, report_id: int) -> tuple[ProgressReport, Access]:
    report = report_service.get_report(get_session(), cohort_id, report_id)
    allowed = access(
        launch.person_id,
        is_staff=launch.has_any(*STAFF),
        mentor_id=report.mentor_person_id,
        candidate_id=report.candidate_person_id,
        status=report.status,
    )
    if allowed is None:
        raise ReportNotFound()
    return report, allowed


def _gateway(cohort: Cohort) -> tuple[Any, str]:
    from ctom_lti.cohorts.canvas_access import cohort_gateway
    from ctom_lti.lti.registrations import get_fernet

    try:
        return cohort_gateway(get_session(), cohort, get_fernet(current_app)), ""
    except CtomError as exc:
        return None, exc.message


def _context(report: ProgressReport, **extra: Any) -> dict[str, Any]:
    db = get_session()
    people = {p.id: p for p in db.query(Person).filter(
        Person.id.in_([report.mentor_person_id, report.candidate_person_id])
    )}  # fmt: skip
    return {
        "report": report,
        "cohort_id": report.cohort_id,
        "content": ReportContent.from_json(report.content),
        "month": month_label(report.month),
        "mentor": people[report.mentor_person_id],
        "candidate": people[report.candidate_person_id],
        "curriculum": load_curriculum(),
        "principle_names": {p.key: p.name for p in load_curriculum().principles},
        "status_labels": STATUS_LABELS,
        "modes": MODES,
        "ratings": RATINGS,
        "risks": RISKS,
        "parts": PARTS,
        "overall_labels": OVERALL_LABELS,
        **extra,
    }


def _edit_page(
    report: ProgressReport, form: ReportForm, status: int = 200, **extra: Any
) -> tuple[str, int]:
    form.pad_meetings()
    db = get_session()
    cohort = db.get(Cohort, report.cohort_id)
    assert cohort is not None
    gateway, problem = _gateway(cohort)
    facts = prefill.known_facts(db, report, gateway, problem)
    if report.status == NOT_STARTED and request.method == "GET":
        form = stored_form(prefill.prefilled(facts, ReportContent()), report.version)
    return (
        render_template(
            "reports/edit.html",
            **_context(report, form=form, errors=form.first_errors(), facts=facts, **extra),
        ),
        status,
    )


def _show_page(report: ProgressReport, allowed: Access, status: int = 200, **extra: Any) -> Any:
    return (
        render_template("reports/show.html", **_context(report, access=allowed, **extra)),
        status,
    )


@bp.get("/c/<int:cohort_id>/reports/<int:report_id>")
@launch_required(*PARTICIPANTS)
def report(launch: SessionLaunch, cohort_id: int, report_id: int) -> Any:
    found, allowed = _load(launch, cohort_id, report_id)
    if allowed == "edit":
        content = ReportContent.from_json(found.content)
        return _edit_page(found, stored_form(content, found.version))
    return _show_page(found, allowed)


@bp.post("/c/<int:cohort_id>/reports/<int:report_id>")
@launch_required(Role.MENTOR)
def save(launch: SessionLaunch, cohort_id: int, report_id: int) -> Any:
    found, allowed = _load(launch, cohort_id, report_id)
    form = ReportForm()
    submit = request.form.get("action") == "submit"
    if allowed != "edit":
        return _show_page(found, allowed, 409, problem="This report is submitted and locked.")
    if not form.validate():
        return _edit_page(found, form, 422)
    db = get_session()
    outcome = report_service.save(
        db, found, content_of(form), form.expected_version, actor_id=launch.person_id,
        submit=submit,
    )  # fmt: skip
    if outcome.stale:
        db.rollback()
        db.refresh(found)
        saved = ReportContent.from_json(found.content)
        # Keep what was typed; saving again from this form replaces the version saved meanwhile.
        form.version.data = str(found.version)
        return _edit_page(found, form, 409, saved=saved)
    if not outcome.done:
        # Not allowed in its status (someone locked it meanwhile) or not complete enough.
        db.rollback()
        missing = outcome.problems or {"status": outcome.refused}
        return _edit_page(found, form, 409 if outcome.refused else 422, missing=missing)
    db.commit()
    if submit:
        flash(f"Your {month_label(found.month)} report is submitted.", "success")
        return redirect(tool_url("reports.index", cohort_id=cohort_id))
    flash("Draft saved.", "success")
    return redirect(tool_url("reports.report", cohort_id=cohort_id, report_id=report_id))


@bp.post("/c/<int:cohort_id>/reports/<int:report_id>/autosave")
@launch_required(Role.MENTOR)
def autosave(launch: SessionLaunch, cohort_id: int, report_id: int) -> Any:
    """Save the draft as the mentor types (JSON; the page stays as it is)."""
    found, allowed = _load(launch, cohort_id, report_id)
    if allowed != "edit":
        return jsonify(ok=False, problem="This report is submitted and locked."), 409
    form = ReportForm()
    if not form.validate():
        return jsonify(
            ok=False, problem="Some fields need fixing.", errors=form.first_errors()
        ), 422
    db = get_session()
    outcome = report_service.save(
        db, found, content_of(form), form.expected_version, actor_id=launch.person_id,
        automatic=True,
    )  # fmt: skip
    if not outcome.done:
        db.rollback()
        return jsonify(
            ok=False,
            problem="Someone else saved this report meanwhile. Press Save draft to see both "
            "versions; nothing you typed is lost.",
        ), 409
    db.commit()
    return jsonify(ok=True, version=found.version, saved_at=found.updated_at.isoformat())


@bp.post("/c/<int:cohort_id>/reports/<int:report_id>/review")
@launch_required(*STAFF)
def review(launch: SessionLaunch, cohort_id: int, report_id: int) -> Any:
    found, allowed = _load(launch, cohort_id, report_id)
    acknowledge = request.form.get("decision") == "acknowledge"
    comment = request.form.get("comment", "")
    version = request.form.get("version", "")
    db = get_session()
    outcome = report_service.review(
        db, found, int(version) if version.isdigit() else -1, actor_id=launch.person_id,
        acknowledge=acknowledge, comment=comment,
    )  # fmt: skip
    if not outcome.done:
        db.rollback()
        db.refresh(found)
        if outcome.stale:
            problem = "Someone else changed this report first; here it is as it is now."
        else:
            problem = outcome.refused or " ".join(outcome.problems.values())
        status = 409 if outcome.stale or outcome.refused else 422
        return _show_page(found, allowed, status, problem=problem, comment=comment)
    db.commit()
    flash("Report acknowledged." if acknowledge else "Report returned to the mentor.", "success")
    return redirect(tool_url("reports.index", cohort_id=cohort_id))


@bp.get("/c/<int:cohort_id>/reports/<int:report_id>/print")
@launch_required(*PARTICIPANTS)
def printable(launch: SessionLaunch, cohort_id: int, report_id: int) -> Any:
    found, allowed = _load(launch, cohort_id, report_id)
    return render_template(
        "reports/print.html", **_context(found, access="shared" if allowed == "shared" else "read")
    )
