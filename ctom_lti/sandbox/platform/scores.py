"""AGS scores and results (canvas-lti.md §5.4, §5.5).

Scores write the same Submission rows the REST gradebook reads, through the sandbox's one
grading function, so a pass/fail score shows up exactly as a teacher's complete/incomplete would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request

from ctom_lti.sandbox import grading
from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.platform import paging, web
from ctom_lti.sandbox.platform.ags import AgsError, find_line_item
from ctom_lti.sandbox.platform.line_items import line_item_url, score_maximum_of
from ctom_lti.sandbox.platform.scopes import AGS_RESULT_READONLY, AGS_SCORE
from ctom_lti.sandbox.platform.score_requests import (
    SUBMISSION_EXT,
    ScoreRequest,
    parse_score,
    posted_grade,
)
from ctom_lti.sandbox.platform.state import LineItem, LtiResult, results
from ctom_lti.sandbox.platform.tokens import ServiceAuthError, authorize_service
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.timestamps import iso, now

bp = Blueprint("lti_scores", __name__)

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
RESULTS_TYPE = "application/vnd.ims.lis.v2.resultcontainer+json"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100

_ITEM = "/api/lti/courses/<int:course_id>/line_items/<int:line_item_id>"


@bp.errorhandler(AgsError)
def _ags_error(exc: AgsError) -> Response:
    return web.service_error(exc.message, exc.status)


@bp.route(f"{_ITEM}/scores", methods=["POST"])
def post_score(course_id: int, line_item_id: int) -> Response:
    """canvas-lti.md §5.4: validate, check the timestamp order, grade or clear, keep a result."""
    store = web.store()
    try:
        auth = authorize_service(store, course_id, (AGS_SCORE,))
    except ServiceAuthError as exc:
        return web.service_error(exc.message, exc.status)
    item = find_line_item(store, auth, line_item_id)
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise AgsError("The request body must be a JSON object", 400)
    maximum = score_maximum_of(store, item)
    score = parse_score(body, maximum, datetime.now(UTC))
    user = find_student(store, course_id, score.user_id_param)
    if user is None:
        raise AgsError("User not found in course or is not a student", 422)
    assignment = store.assignments[item.assignment_id]
    with store.lock:
        result = _result_for(store, item, user.id)
        if result is not None and score.timestamp < result.updated_at:
            raise AgsError(
                f"Provided timestamp of {body['timestamp']} before last updated timestamp "
                f"of {result.updated_at.isoformat(timespec='milliseconds')}",
                400,
            )
        apply_score(store, item, assignment, user, score, grader_id=-auth.tool.id)
        result = save_result(store, item, user, score, result)
    body_out = {
        "resultUrl": f"{line_item_url(web.base_url(), item)}/results/{result.id}",
        SUBMISSION_EXT: {"content_items": []},
    }
    return web.json_response(body_out, SCORE_TYPE)


def apply_score(
    store: Store,
    item: LineItem,
    assignment: Assignment,
    user: User,
    score: ScoreRequest,
    *,
    grader_id: int,
) -> None:
    """Record the attempt and grade (or clear) the submission."""
    submission = store.submission_for(assignment.id, user.id)
    if score.new_submission:
        submission.submitted_at = score.submitted_at or now()
        submission.submission_type = score.submission_type
        submission.attempt = (submission.attempt or 0) + 1
        if submission.workflow_state == "unsubmitted":
            submission.workflow_state = "submitted"
        submission.updated_at = now()
    if score.comment:
        submission.comments.append(
            {
                "id": store.next_id("submission_comments"),
                "author_id": None,
                "author_name": None,
                "comment": score.comment,
                "created_at": iso(now()),
                "edited_at": None,
                "media_comment": None,
            }
        )
    human_graded = submission.grader_id is not None and submission.grader_id > 0
    if score.prioritize_non_tool_grade and human_graded and submission.score is not None:
        return
    if score.applies_score:
        grading.grade_submission(
            store,
            assignment,
            user.id,
            posted_grade(score, assignment, score_maximum_of(store, item)),
            grader_id,
        )
    elif not score.preserve_score:
        grading.grade_submission(store, assignment, user.id, "", grader_id)


def save_result(
    store: Store, item: LineItem, user: User, score: ScoreRequest, result: LtiResult | None
) -> LtiResult:
    stamp = now()
    if result is None:
        result = LtiResult(
            id=store.next_id("lti_results"),
            line_item_id=item.id,
            user_id=user.id,
            result_score=None,
            result_maximum=None,
            comment=None,
            activity_progress=score.activity_progress,
            grading_progress=score.grading_progress,
        )
        results(store)[result.id] = result
    keep = not score.applies_score and score.preserve_score
    if not keep:
        result.result_score = score.score_given if score.applies_score else None
        result.result_maximum = score.score_maximum if score.applies_score else None
    result.comment = score.comment
    result.activity_progress = score.activity_progress
    result.grading_progress = score.grading_progress
    result.updated_at = stamp
    return result


def find_student(store: Store, course_id: int, user_param: str) -> User | None:
    """userId is the LTI ``sub`` or the Canvas user id; only (test) students can be scored."""
    with store.lock:
        user = next((u for u in store.users.values() if u.lti_id == user_param), None)
        if user is None and user_param.isdigit():
            user = store.users.get(int(user_param))
        if user is None or user.id not in store.students_of(course_id):
            return None
        return user


def _result_for(store: Store, item: LineItem, user_id: int) -> LtiResult | None:
    return next(
        (r for r in results(store).values() if r.line_item_id == item.id and r.user_id == user_id),
        None,
    )


@bp.route(f"{_ITEM}/results", methods=["GET"])
def list_results(course_id: int, line_item_id: int) -> Response:
    """canvas-lti.md §5.5 list (``user_id`` filter, 10 per page)."""
    store = web.store()
    try:
        auth = authorize_service(store, course_id, (AGS_RESULT_READONLY,))
    except ServiceAuthError as exc:
        return web.service_error(exc.message, exc.status)
    item = find_line_item(store, auth, line_item_id)
    found = sorted(
        (r for r in results(store).values() if r.line_item_id == item.id), key=lambda r: r.id
    )
    wanted = request.args.get("user_id")
    if wanted:
        user = next((u for u in store.users.values() if u.lti_id == wanted), None)
        if user is None and wanted.isdigit():
            user = store.users.get(int(wanted))
        found = [r for r in found if user is not None and r.user_id == user.id]
    page = paging.read_page(DEFAULT_LIMIT, MAX_LIMIT, len(found))
    body = [result_json(store, item, r) for r in paging.slice_page(found, page)]
    response = web.json_response(body, RESULTS_TYPE)
    response.headers["Link"] = paging.link_header(page)
    return response


@bp.route(f"{_ITEM}/results/<int:result_id>", methods=["GET"])
def show_result(course_id: int, line_item_id: int, result_id: int) -> Response:
    """canvas-lti.md §5.5 show."""
    store = web.store()
    try:
        auth = authorize_service(store, course_id, (AGS_RESULT_READONLY,))
    except ServiceAuthError as exc:
        return web.service_error(exc.message, exc.status)
    item = find_line_item(store, auth, line_item_id)
    result = results(store).get(result_id)
    if result is None or result.line_item_id != item.id:
        raise AgsError("The specified result could not be found", 404)
    return web.json_response(result_json(store, item, result), RESULTS_TYPE)


def result_json(store: Store, item: LineItem, result: LtiResult) -> dict[str, Any]:
    """§5.5: nil keys omitted; userId is the user's LTI ``sub``."""
    url = line_item_url(web.base_url(), item)
    user = store.users.get(result.user_id)
    body: dict[str, Any] = {
        "id": f"{url}/results/{result.id}",
        "scoreOf": url,
        "userId": user.lti_id if user else str(result.user_id),
        "resultScore": result.result_score,
        "resultMaximum": result.result_maximum,
        "comment": result.comment,
    }
    return {k: v for k, v in body.items() if v is not None}
