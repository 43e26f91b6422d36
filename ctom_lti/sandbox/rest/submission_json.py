"""Submission JSON (canvas-rest.md §4.10), with Canvas's late and missing rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ctom_lti.sandbox.coursework_records import Assignment, Submission
from ctom_lti.sandbox.rest.assignment_json import assignment_json
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.render import host, user_summary
from ctom_lti.sandbox.timestamps import iso

#: submission types that do not expect the student to hand anything in (§4.10 `missing`) [I]
_NO_SUBMISSION = {"none", "on_paper", "not_graded"}


# --- late / missing (canvas-rest.md §4.10, Submission::Tardiness) -------------------------------


def seconds_late(sub: Submission, a: Assignment, at: datetime) -> int:
    if sub.late_policy_status == "late":
        return 0  # the sandbox keeps no seconds_late_override
    if a.due_at is None:
        return 0
    return max(0, int(((sub.submitted_at or at) - a.due_at).total_seconds()))


def is_late(sub: Submission, a: Assignment, at: datetime) -> bool:
    if sub.excused:
        return False
    if sub.late_policy_status:
        return sub.late_policy_status == "late"
    return sub.submitted_at is not None and seconds_late(sub, a, at) > 0


def is_missing(sub: Submission, a: Assignment, at: datetime) -> bool:
    if sub.excused:
        return False
    if sub.late_policy_status:
        return sub.late_policy_status == "missing"
    if sub.grader_id is not None or sub.submitted_at is not None:
        return False
    if seconds_late(sub, a, at) <= 0:
        return False
    return not set(a.submission_types) <= _NO_SUBMISSION


def submission_json(sub: Submission, includes: set[str] | None = None) -> dict[str, Any]:
    """Submission JSON (SUBMISSION_JSON_FIELDS + methods, §4.10)."""
    s = store()
    a = s.assignments[sub.assignment_id]
    at = datetime.now(UTC)
    includes = includes or set()
    data: dict[str, Any] = {
        "id": sub.id,
        "body": sub.body,
        "url": sub.url,
        "grade": sub.grade,
        "score": sub.score,
        "submitted_at": iso(sub.submitted_at),
        "assignment_id": sub.assignment_id,
        "user_id": sub.user_id,
        "submission_type": sub.submission_type,
        "workflow_state": sub.workflow_state,
        "grade_matches_current_submission": True,
        "graded_at": iso(sub.graded_at),
        "grader_id": sub.grader_id,
        "attempt": sub.attempt,
        "cached_due_date": iso(a.due_at),
        "excused": sub.excused,
        "late_policy_status": sub.late_policy_status,
        "points_deducted": None,
        "grading_period_id": None,
        "extra_attempts": None,
        "posted_at": iso(sub.posted_at),
        "redo_request": False,
        "custom_grade_status_id": None,
        "sticker": None,
        "late": is_late(sub, a, at),
        "missing": is_missing(sub, a, at),
        "seconds_late": seconds_late(sub, a, at),
        "entered_grade": sub.entered_grade,
        "entered_score": sub.entered_score,
        "preview_url": (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions/{sub.user_id}"
            f"?preview=1&version={sub.attempt or 0}"
        ),
    }
    if "external_tool" in a.submission_types and sub.submission_type == "basic_lti_launch":
        data["external_tool_url"] = sub.url
    if "submission_comments" in includes:
        data["submission_comments"] = list(sub.comments)
    if "assignment" in includes:
        data["assignment"] = assignment_json(a)
    if "user" in includes:
        data["user"] = user_summary(s.users[sub.user_id])
    if "html_url" in includes:
        # canvas-lms lib/api/v1/submission.rb `submission_json`: the submission's page, sent only
        # when asked for. Canvas links anonymized assignments to SpeedGrader instead; the sandbox
        # has no anonymous grading.
        data["html_url"] = (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions/{sub.user_id}"
        )
    if "submission_history" in includes:
        data["submission_history"] = [{k: v for k, v in data.items() if k != "submission_history"}]
    return data
