"""A score body checked as Canvas checks it (canvas-lti.md §5.4), and the grade it posts: pure
functions that raise :class:`AgsError` with Canvas's status and message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.platform.ags import AgsError

SUBMISSION_EXT = "https://canvas.instructure.com/lti/submission"
ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")
#: §5.4: a score is applied only with one of these and a scoreGiven; anything else clears it.
APPLYING_PROGRESS = ("FullyGraded", "PendingManual")
SUBMISSION_TYPES = (
    "none",
    "basic_lti_launch",
    "online_text_entry",
    "online_url",
    "external_tool",
    "online_upload",
)


@dataclass(frozen=True)
class ScoreRequest:
    """A validated score body."""

    user_id_param: str
    activity_progress: str
    grading_progress: str
    timestamp: datetime
    score_given: float | None
    score_maximum: float | None
    comment: str | None
    submitted_at: datetime | None
    new_submission: bool
    preserve_score: bool
    prioritize_non_tool_grade: bool
    submission_type: str

    @property
    def applies_score(self) -> bool:
        return self.grading_progress in APPLYING_PROGRESS and self.score_given is not None


def parse_score(body: dict[str, Any], line_item_maximum: float, at: datetime) -> ScoreRequest:
    """Check a score body (a pure function; raises :class:`AgsError` with Canvas's status)."""
    missing = [
        k for k in ("userId", "activityProgress", "gradingProgress", "timestamp") if k not in body
    ]
    if missing:
        raise AgsError(f"Missing required parameters: {', '.join(missing)}", 400)
    if body["activityProgress"] not in ACTIVITY_PROGRESS:
        raise AgsError(f"Invalid activityProgress {body['activityProgress']!r}", 422)
    if body["gradingProgress"] not in GRADING_PROGRESS:
        raise AgsError(f"Invalid gradingProgress {body['gradingProgress']!r}", 422)
    timestamp = parse_time(body["timestamp"])
    if timestamp is None:
        raise AgsError(f"Provided timestamp of {body['timestamp']} not a valid timestamp", 400)
    given, maximum = _score_numbers(body, line_item_maximum)
    ext = body.get(SUBMISSION_EXT) or {}
    if not isinstance(ext, dict):
        raise AgsError(f"{SUBMISSION_EXT} must be an object", 400)
    submission_type = str(ext.get("submission_type") or "external_tool")
    if submission_type not in SUBMISSION_TYPES:
        raise AgsError(f"Invalid submission_type {submission_type!r}", 400)
    raw_submitted = ext.get("submitted_at") or (body.get("submission") or {}).get("submittedAt")
    submitted_at = parse_time(raw_submitted) if raw_submitted else None
    if raw_submitted and submitted_at is None:
        raise AgsError(f"Provided submitted_at of {raw_submitted} not a valid timestamp", 400)
    if submitted_at is not None and submitted_at > at + timedelta(minutes=1):
        raise AgsError("Provided submitted_at is more than 1 minute in the future", 400)
    new_submission = ext.get("new_submission")
    return ScoreRequest(
        user_id_param=str(body["userId"]),
        activity_progress=body["activityProgress"],
        grading_progress=body["gradingProgress"],
        timestamp=timestamp,
        score_given=given,
        score_maximum=maximum,
        comment=body.get("comment") if isinstance(body.get("comment"), str) else None,
        submitted_at=submitted_at,
        new_submission=(submission_type != "none")
        if new_submission is None
        else bool(new_submission),
        preserve_score=bool(ext.get("preserve_score")),
        prioritize_non_tool_grade=bool(ext.get("prioritize_non_tool_grade")),
        submission_type=submission_type,
    )


def _score_numbers(
    body: dict[str, Any], line_item_maximum: float
) -> tuple[float | None, float | None]:
    given = body.get("scoreGiven")
    maximum = body.get("scoreMaximum")
    for name, value in (("ScoreGiven", given), ("ScoreMaximum", maximum)):
        if value is not None and not _number(value):
            raise AgsError(f"{name} must be a number", 400)
        if value is not None and float(value) < 0:
            raise AgsError(f"{name} must be greater than or equal to 0", 400)
    if given is not None and maximum is None:
        raise AgsError("ScoreMaximum must be present when ScoreGiven is present", 422)
    if maximum is not None and float(maximum) == 0 and line_item_maximum != 0:
        raise AgsError("ScoreMaximum must be greater than 0 for this line item", 422)
    return (
        float(given) if given is not None else None,
        float(maximum) if maximum is not None else None,
    )


def posted_grade(score: ScoreRequest, assignment: Assignment, line_item_maximum: float) -> str:
    """What to grade with: pass/fail by scoreGiven > 0, else the scaled score (§5.4)."""
    assert score.score_given is not None
    if assignment.grading_type == "pass_fail":
        return "pass" if score.score_given > 0 else "fail"
    if score.score_maximum:
        scaled = score.score_given * (line_item_maximum / score.score_maximum)
    else:
        scaled = score.score_given
    return _format_number(scaled)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _format_number(value: float) -> str:
    # Plain decimal text: the grading rule reads digits with an optional point, no exponent.
    return f"{value:.6f}".rstrip("0").rstrip(".")
