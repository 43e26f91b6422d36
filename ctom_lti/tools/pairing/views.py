"""Pairing pages: parse the request → one service call → render or redirect."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import tool_url
from ctom_lti.models import Cohort, Role
from ctom_lti.tools.pairing import board as boards
from ctom_lti.tools.pairing import lifecycle, proposals
from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.forms import MAX_UPLOAD, EndForm, HandPairForm, ImportForm, VersionForm
from ctom_lti.tools.pairing.importing import import_people
from ctom_lti.tools.pairing.profiles import verifications
from ctom_lti.tools.pairing.push import register_pairing_source
from ctom_lti.tools.pairing.push_runs import push_status
from ctom_lti.tools.pairing.rows import COLUMNS
from ctom_lti.tools.pairing.rules import REGION_LABELS

bp = Blueprint("pairing", __name__, template_folder="templates")
bp.record_once(register_pairing_source)
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def _back(cohort_id: int) -> Response:
    return redirect(tool_url("pairing.index", cohort_id=cohort_id))


def _board(cohort_id: int, status: int = 200, **extra: object) -> tuple[str, int]:
    db = get_session()
    push_id = request.args.get("push", type=int)
    return (
        render_template(
            "pairing/board.html",
            cohort_id=cohort_id,
            board=boards.board(db, cohort_id),
            push=push_status(db, cohort_id, push_id, current_app) if push_id else None,
            today=date.today().isoformat(),
            **extra,
        ),
        status,
    )


@bp.get("/c/<int:cohort_id>/pairing")
@launch_required()
def index(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    db = get_session()
    # People imported before their first launch are known by their launch from now on.
    if adopt_launched(db, cohort_id):
        db.commit()
    if launch.has_any(*STAFF):
        return _board(cohort_id)
    mine = boards.my_pairing(get_session(), launch)
    return render_template("pairing/mine.html", launch=launch, mine=mine), 200


@bp.post("/c/<int:cohort_id>/pairing/propose")
@launch_required(*STAFF)
def propose(launch: SessionLaunch, cohort_id: int) -> Response:
    db = get_session()
    proposal, _ = proposals.make_proposals(db, cohort_id, actor_id=launch.person_id)
    db.commit()
    flash(
        f"{len(proposal.pairs)} pairs proposed, {len(proposal.unmatched)} candidates could not "
        "be placed.",
        "success",
    )
    return _back(cohort_id)


@bp.post("/c/<int:cohort_id>/pairing/accept-all")
@launch_required(*STAFF)
def accept_all(launch: SessionLaunch, cohort_id: int) -> Response:
    db = get_session()
    changes = proposals.accept_all(db, cohort_id, on=date.today(), actor_id=launch.person_id)
    db.commit()
    refused = [c for c in changes if not c.done]
    flash(f"{len(changes) - len(refused)} pairings are now active.", "success")
    for change in refused:
        flash(f"Not accepted: {change.refused or 'someone changed it first'}", "error")
    return _back(cohort_id)


def _decide(
    launch: SessionLaunch, cohort_id: int, pairing_id: int, *, accept: bool
) -> tuple[str, int] | Response:
    form = VersionForm()
    if not form.validate():
        return _board(cohort_id, 422, problem=next(iter(form.first_errors().values())))
    db = get_session()
    if accept:
        change = proposals.accept(
            db,
            cohort_id,
            pairing_id,
            form.expected_version,
            on=date.today(),
            actor_id=launch.person_id,
        )
    else:
        change = proposals.reject(
            db, cohort_id, pairing_id, form.expected_version, actor_id=launch.person_id
        )
    if change.stale:
        db.rollback()
        return _board(
            cohort_id,
            409,
            problem="Someone else changed this pairing first; "
            "nothing was changed. Here is the board as it is now.",
        )
    if change.refused:
        db.rollback()
        return _board(cohort_id, 422, problem=change.refused)
    db.commit()
    flash("Pairing accepted." if accept else "Proposal rejected.", "success")
    return _back(cohort_id)


@bp.post("/c/<int:cohort_id>/pairing/<int:pairing_id>/accept")
@launch_required(*STAFF)
def accept(launch: SessionLaunch, cohort_id: int, pairing_id: int) -> tuple[str, int] | Response:
    return _decide(launch, cohort_id, pairing_id, accept=True)


@bp.post("/c/<int:cohort_id>/pairing/<int:pairing_id>/reject")
@launch_required(*STAFF)
def reject(launch: SessionLaunch, cohort_id: int, pairing_id: int) -> tuple[str, int] | Response:
    return _decide(launch, cohort_id, pairing_id, accept=False)


@bp.post("/c/<int:cohort_id>/pairing/<int:pairing_id>/end")
@launch_required(*STAFF)
def end(launch: SessionLaunch, cohort_id: int, pairing_id: int) -> tuple[str, int] | Response:
    form = EndForm()
    if not form.validate():
        return _board(
            cohort_id,
            422,
            problem=" ".join(form.first_errors().values()),
            end_form=form,
            end_id=pairing_id,
        )
    db = get_session()
    on, reason = form.last_day, form.reason.data or ""
    if form.new_mentor_id.data:
        change = lifecycle.repair(
            db, cohort_id, pairing_id, form.expected_version, form.new_mentor_id.data,
            on=on, reason=reason, actor_id=launch.person_id,
        )  # fmt: skip
    else:
        change = lifecycle.end(
            db, cohort_id, pairing_id, form.expected_version, on=on, reason=reason,
            actor_id=launch.person_id,
        )  # fmt: skip
    if not change.done:
        db.rollback()
        problem = (
            "Someone else changed this pairing first; nothing was changed. Your reason is kept "
            "below."
            if change.stale
            else change.refused
        )
        return _board(
            cohort_id,
            409 if change.stale else 422,
            problem=problem,
            end_form=form,
            end_id=pairing_id,
        )
    db.commit()
    flash(
        "The pairing has ended."
        + (" The candidate has a new mentor." if form.new_mentor_id.data else ""),
        "success",
    )
    return _back(cohort_id)


@bp.post("/c/<int:cohort_id>/pairing/pair")
@launch_required(*STAFF)
def pair(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | Response:
    form = HandPairForm()
    if not form.validate():
        return _board(cohort_id, 422, problem=" ".join(form.first_errors().values()))
    db = get_session()
    candidate_id, mentor_id, on = form.values()
    change = lifecycle.hand_pair(
        db, cohort_id, candidate_id, mentor_id, on=on, actor_id=launch.person_id
    )
    if not change.done:
        db.rollback()
        return _board(cohort_id, 422, problem=change.refused)
    db.commit()
    flash("The pair is active.", "success")
    return _back(cohort_id)


@bp.get("/c/<int:cohort_id>/pairing/mentors")
@launch_required(*STAFF)
def mentors(launch: SessionLaunch, cohort_id: int) -> str:
    rows = boards.mentor_rows(get_session(), cohort_id)
    return render_template(
        "pairing/mentors.html",
        cohort_id=cohort_id,
        mentors=rows,
        verified=verifications(get_session(), [m.person.id for m in rows]),
        is_admin=launch.has_any(Role.ADMIN),
        principles={p.key: p.name for p in load_curriculum().principles},
        regions=REGION_LABELS,
    )


@bp.get("/c/<int:cohort_id>/pairing/history")
@launch_required(*STAFF)
def history(launch: SessionLaunch, cohort_id: int) -> str:
    return render_template(
        "pairing/history.html", cohort_id=cohort_id, rows=boards.history(get_session(), cohort_id)
    )


def _import_page(cohort_id: int, status: int = 200, **extra: object) -> tuple[str, int]:
    return (
        render_template("pairing/import.html", cohort_id=cohort_id, columns=COLUMNS, **extra),
        status,
    )


@bp.get("/c/<int:cohort_id>/pairing/import")
@launch_required(*STAFF)
def import_form(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    return _import_page(cohort_id)


@bp.post("/c/<int:cohort_id>/pairing/import")
@launch_required(*STAFF)
def import_file(launch: SessionLaunch, cohort_id: int) -> tuple[str, int]:
    form = ImportForm()
    if not form.validate() or not form.file.data:
        return _import_page(cohort_id, 422, problem="Choose a CSV file to import.")
    raw = form.file.data.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        return _import_page(cohort_id, 422, problem="The file is larger than 2 MB; split it.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _import_page(cohort_id, 422, problem="Save the file as UTF-8 CSV and try again.")
    db = get_session()
    cohort = db.get(Cohort, cohort_id)
    assert cohort is not None
    result = import_people(db, cohort, text, actor_id=launch.person_id)
    if result.file_problem:
        db.rollback()
        return _import_page(cohort_id, 422, problem=result.file_problem)
    db.commit()
    return _import_page(cohort_id, 200 if not result.problems else 422, result=result)
