"""How Canvas turns a posted grade into a score and a grade (canvas-rest.md §5, §4.11).

:func:`interpret` is the pure rule; :func:`grade_submission` applies it to the store. The REST
API (single and bulk grading) and the sandbox UI's gradebook both call :func:`grade_submission`,
so an instructor clicking "complete" and a script posting ``pass`` end in the same state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ctom_lti.sandbox.coursework_records import Assignment, Submission
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

_NUMBER = re.compile(r"\A[+-]?\d*\.?\d+\Z")
_PERCENT = re.compile(r"\A([+-]?\d*\.?\d+)%\Z")
PASSING = ("pass", "complete")
FAILING = ("fail", "incomplete")


class GradeError(ValueError):
    """Canvas refuses the grade; ``str(exc)`` is its ``{"error": ...}`` text (§4.11)."""


@dataclass(frozen=True)
class Grade:
    """What a posted grade becomes: both None means the grade was cleared."""

    score: float | None
    grade: str | None


def _number(text: str, points: float) -> float | None:
    if _NUMBER.match(text):
        return float(text)
    m = _PERCENT.match(text)
    if m:
        return float(m.group(1)) * points / 100.0
    return None


def format_score(score: float) -> str:
    return str(int(score)) if float(score).is_integer() else repr(round(score, 2))


def interpret(posted: str, grading_type: str, points_possible: float | None) -> Grade:
    """Canvas's ``interpret_grade`` + ``score_to_grade`` for the grading types the tool uses.

    pass_fail: ``pass``/``complete`` → full points, ``fail``/``incomplete`` → 0; numbers and
    percentages only survive when they are exactly full points or 0; anything else (including
    ``Complete`` or ``PASS`` — the match is case-sensitive) leaves the score empty.
    The grade string is always ``complete``/``incomplete`` for a recognised pass/fail value.
    """
    text = posted.strip()
    if text == "":
        return Grade(None, None)
    points = float(points_possible or 0.0)
    if grading_type == "pass_fail":
        return _pass_fail(text, points)
    if grading_type == "percent":
        return _percent(text, points)
    # points (and, for the sandbox's purposes, letter_grade / gpa_scale given as numbers)
    return _points(text, points)


def _pass_fail(text: str, points: float) -> Grade:
    if text in PASSING:
        score: float | None = points
    elif text in FAILING:
        score = 0.0
    else:
        number = _number(text, points)
        score = number if number is not None and number in (points, 0.0) else None
    if score is None:
        return Grade(None, text)  # the raw text may remain as the grade (§5)
    if points > 0:
        return Grade(score, "complete" if score > 0 else "incomplete")
    return Grade(score, "complete" if text in PASSING else "incomplete")


def _percent(text: str, points: float) -> Grade:
    number = _number(text, points)
    if number is None:
        return Grade(None, text)
    pct = (number / points * 100.0) if points else 0.0
    return Grade(number, f"{format_score(pct)}%")


def _points(text: str, points: float) -> Grade:
    if text in PASSING and points:
        return Grade(points, format_score(points))
    if text in FAILING:
        return Grade(0.0, "0")
    number = _number(text, points)
    if number is None:
        return Grade(None, text)
    return Grade(number, format_score(number))


def is_gradable_student(store: Store, assignment: Assignment, user_id: int) -> bool:
    return user_id in store.students_of(assignment.course_id)


def grade_submission(
    store: Store,
    assignment: Assignment,
    user_id: int,
    posted_grade: str | None,
    grader_id: int,
    *,
    excuse: bool | None = None,
) -> Submission:
    """Grade (or excuse / un-excuse) ``user_id`` on ``assignment`` as Canvas does (§4.11, §5).

    Raises :class:`GradeError` with Canvas's message when the grade is refused.
    """
    if excuse and posted_grade not in (None, ""):
        raise GradeError("Cannot simultaneously grade and excuse an assignment")
    if not is_gradable_student(store, assignment, user_id):
        raise GradeError("Student must be enrolled in the course as a student to be graded")
    with store.lock:
        sub = store.submission_for(assignment.id, user_id)
        stamp = now()
        if excuse is not None:
            sub.excused = excuse
            if excuse:
                sub.score = sub.grade = None
                sub.entered_score = sub.entered_grade = None
                sub.late_policy_status = None
                sub.workflow_state = "graded"
                _stamp(sub, assignment, grader_id, stamp)
            elif sub.grade is None:
                sub.workflow_state = "submitted" if sub.submitted_at else "unsubmitted"
        if posted_grade is not None:
            result = interpret(posted_grade, assignment.grading_type, assignment.points_possible)
            sub.excused = False
            sub.score = sub.entered_score = result.score
            sub.grade = sub.entered_grade = result.grade
            if result.score is not None and result.grade is not None:
                sub.workflow_state = "graded"
                _stamp(sub, assignment, grader_id, stamp)
            elif result.grade is None:
                # cleared: back to where the student's own work left it [I for never-submitted]
                sub.workflow_state = "submitted" if sub.submitted_at else "unsubmitted"
                sub.graded_at = None
            else:
                sub.grader_id = grader_id
        sub.updated_at = stamp
        return sub


def _stamp(sub: Submission, assignment: Assignment, grader_id: int, stamp: datetime) -> None:
    sub.graded_at = stamp
    sub.grader_id = grader_id
    if not assignment.post_manually:
        sub.posted_at = stamp


def hand_in(
    store: Store,
    assignment: Assignment,
    user_id: int,
    *,
    submission_type: str = "online_url",
    url: str | None = None,
    body: str | None = None,
    at: datetime | None = None,
) -> Submission:
    """The student hands in work, as Canvas's ``Assignment#submit_homework`` records it: a new
    attempt, ``submitted`` (a resubmission after grading needs grading again) [I: the fields set
    are those the Submission JSON of canvas-rest.md §4.10 shows changing; no history is kept].

    Raises :class:`GradeError` when the user is not a student of the course.
    """
    if not is_gradable_student(store, assignment, user_id):
        raise GradeError("Student must be enrolled in the course as a student to submit")
    with store.lock:
        sub = store.submission_for(assignment.id, user_id)
        stamp = at or now()
        sub.workflow_state = "submitted"
        sub.submission_type = submission_type
        sub.url, sub.body = url, body
        sub.submitted_at = stamp
        sub.attempt = (sub.attempt or 0) + 1
        sub.updated_at = stamp
        return sub
