"""The instructor's gradebook: students by published assignments, graded cell by cell.

Like Canvas's gradebook, a pass/fail cell offers Complete / Incomplete / Ungraded / Excused and
a points cell takes a number. Every change goes through the sandbox's one grading function
(``sandbox/grading.py``), the same the REST API uses, so both end in the same Submission state.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from ctom_lti.sandbox import grading
from ctom_lti.sandbox.content import course_assignments
from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.coursework_records import Assignment, Submission
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.ui.access import UiError, check_csrf, require_course, require_user
from ctom_lti.sandbox.ui.blueprint import bp, page
from ctom_lti.sandbox.ui.course_nav import nav_tabs

#: what a pass/fail cell's menu sends, and how it reads (Canvas's labels)
PASS_FAIL_CHOICES = (
    ("", "Ungraded"),
    ("complete", "Complete"),
    ("incomplete", "Incomplete"),
    ("EX", "Excused"),
)
EXCUSED = "EX"
#: what an ungraded cell shows (an en dash, as in Canvas)
UNGRADED = "\u2013"


@dataclass(frozen=True)
class Cell:
    #: the menu/input value that is current
    value: str
    #: what the cell shows
    display: str
    #: css modifier: complete | incomplete | excused | ungraded | graded
    state: str


@dataclass(frozen=True)
class Grid:
    students: tuple[User, ...]
    assignments: tuple[Assignment, ...]
    cells: dict[tuple[int, int], Cell]


def cell_for(assignment: Assignment, submission: Submission) -> Cell:
    """How one submission reads in the grid (a pure function)."""
    if submission.excused:
        return Cell(EXCUSED, "Excused", "excused")
    if assignment.grading_type == "pass_fail":
        if submission.grade == "complete":
            return Cell("complete", "Complete", "complete")
        if submission.grade == "incomplete":
            return Cell("incomplete", "Incomplete", "incomplete")
        return Cell("", UNGRADED, "ungraded")
    if submission.score is None:
        return Cell("", UNGRADED, "ungraded")
    text = grading.format_score(submission.score)
    return Cell(text, text, "graded")


def build_grid(store: Store, course_id: int) -> Grid:
    """Students (by sortable name) by published assignments (in course order)."""
    with store.lock:
        students = sorted(
            (store.users[uid] for uid in store.students_of(course_id) if uid in store.users),
            key=lambda u: (u.sortable_name.lower(), u.id),
        )
        assignments = [a for a in course_assignments(store, course_id) if a.published]
        cells = {
            (s.id, a.id): cell_for(a, store.submission_for(a.id, s.id))
            for s in students
            for a in assignments
        }
    return Grid(tuple(students), tuple(assignments), cells)


@bp.get("/courses/<int:course_id>/gradebook")
def gradebook(course_id: int) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    if not role.can_grade:
        raise UiError("Not allowed", "Only teachers, TAs and admins see the gradebook.", 403)
    return page(
        "sandbox_ui/gradebook.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="gradebook",
        grid=build_grid(store, course.id),
        choices=PASS_FAIL_CHOICES,
    )


@bp.post("/courses/<int:course_id>/gradebook")
def grade_cell(course_id: int) -> Response:
    check_csrf()
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    if not role.can_grade:
        raise UiError("Not allowed", "Only teachers, TAs and admins can grade.", 403)
    assignment = store.assignments.get(request.form.get("assignment_id", type=int) or 0)
    student = store.users.get(request.form.get("user_id", type=int) or 0)
    if assignment is None or assignment.course_id != course.id or student is None:
        raise UiError("Unknown cell", "That student or assignment is not in this course.", 404)
    value = request.form.get("grade", "").strip()
    try:
        if value == EXCUSED:
            grading.grade_submission(store, assignment, student.id, None, user.id, excuse=True)
        else:
            grading.grade_submission(store, assignment, student.id, value, user.id, excuse=False)
    except grading.GradeError as exc:
        flash(f"Not saved: {exc}", "error")
    else:
        shown = cell_for(assignment, store.submission_for(assignment.id, student.id)).display
        flash(f"Saved: {student.name}, {assignment.name}: {shown}", "success")
    anchor = f"cell-{student.id}-{assignment.id}"
    return redirect(url_for("sandbox_ui.gradebook", course_id=course.id, _anchor=anchor), 303)
