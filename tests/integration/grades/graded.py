"""A cohort whose Canvas course is in the sandbox, with the tool installed in it, and the
candidates known to the tool as a launch would have made them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select

from ctom_lti.db import get_engine, session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.grades import ColumnSpec, GradePost, enqueue_pass_fail
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.models import Role
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.platform.state import line_items, results
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import User
from tests.factories import make_cohort, make_membership, make_person

CANDIDATES = 12
REPORT = ColumnSpec("ctom-report-2026-09", "Mentor report - September 2026")
PORTFOLIO = ColumnSpec("ctom-portfolio", "Portfolio")


@dataclass
class GradedCohort:
    app: Flask
    sandbox: SandboxServer
    course: Course
    cohort_id: int
    platform_id: int
    candidates: list[User]
    #: tool person id by sandbox user id
    person_of: dict[int, int]
    tool_url: str
    tool_id: int

    def add_person(self, user: User) -> None:
        """Make ``user`` known to the tool (as a roster read would), enrolled in Canvas or not."""
        with session_scope(self.app) as session:
            person = make_person(session, self.platform_id, sub=user.lti_id, name=user.name)
            self.person_of[user.id] = person.id

    def enqueue(self, column: ColumnSpec, user: User, *, passed: bool = True) -> int:
        with session_scope(self.app) as session:
            post = enqueue_pass_fail(
                session,
                cohort_id=self.cohort_id,
                column=column,
                person_id=self.person_of[user.id],
                passed=passed,
                source="test",
            )
            return post.id

    def states(self) -> dict[int, str]:
        with get_engine(self.app).connect() as conn:
            rows = conn.execute(select(GradePost.id, GradePost.state)).all()
        return {r.id: r.state for r in rows}

    def post(self, post_id: int) -> Any:
        with get_engine(self.app).connect() as conn:
            return conn.execute(select(GradePost).where(GradePost.id == post_id)).one()

    def line_items(self) -> list[Any]:
        store = self.sandbox.store
        with store.lock:
            return [i for i in line_items(store).values() if i.course_id == self.course.id]

    def canvas_score(self, column: ColumnSpec, user: User) -> tuple[float | None, int]:
        """The result Canvas keeps for ``user`` in ``column``, and how many scores it recorded
        (the submission's attempt count: each recorded score is an attempt)."""
        store = self.sandbox.store
        with store.lock:
            [item] = [i for i in line_items(store).values() if i.tag == column.tag]
            found = [
                r
                for r in results(store).values()
                if r.line_item_id == item.id and r.user_id == user.id
            ]
            submission = store.submission_for(item.assignment_id, user.id)
            attempts = submission.attempt or 0
        score = found[0].result_score if found else None
        return score, attempts

    def score_posts(self, status: int | None = None) -> int:
        """Score POSTs Canvas answered (with ``status``, if given)."""
        base = f"/api/lti/courses/{self.course.id}/line_items/"
        entries = self.sandbox.log.entries(method="POST", path_prefix=base, status=status)
        return sum(1 for e in entries if e.path.endswith("/scores"))

    def line_item_creates(self) -> int:
        """Line item creations Canvas carried out."""
        path = f"/api/lti/courses/{self.course.id}/line_items"
        entries = self.sandbox.log.entries(method="POST", path_prefix=path)
        return sum(1 for e in entries if e.path == path and e.status in (200, 201))


def make_graded_cohort(app: Flask, sandbox: SandboxServer, tool_url: str) -> GradedCohort:
    """The sandbox course with the tool installed and the candidates known to the tool."""
    app.config.update(GRADES_QUICK_WAIT=0.01, GRADES_BACKOFF_SECONDS=0.0)
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )
    candidates = []
    for n in range(CANDIDATES):
        login = f"candidate.{n:02d}@district.example.org"
        user = store.add_user(f"Candidate {n:02d}", login, email=login, sis_user_id=f"C-{n:02d}")
        store.enroll(user.id, course.id, "StudentEnrollment")
        candidates.append(user)
    install = connect_tool_and_sandbox(app, sandbox, tool_url, course_id=course.id)
    registration = get_runtime(app).registry.find(store.issuer, install.client_id)
    assert registration is not None
    person_of: dict[int, int] = {}
    with session_scope(app) as session:
        cohort = make_cohort(
            session,
            registration.platform_id,
            # The course's LTI context id: a launch from the course finds this cohort.
            context_id=store.opaque_id(f"course_{course.id}"),
            canvas_url=sandbox.base_url,
            canvas_course_id=str(course.id),
            sis_course_id="CTOM-2026-C12",
        )
        for user in candidates:
            person = make_person(session, registration.platform_id, sub=user.lti_id, name=user.name)
            make_membership(session, cohort, Role.CANDIDATE, person)
            person_of[user.id] = person.id
        cohort_id = cohort.id
    sandbox.log.clear()
    return GradedCohort(
        app,
        sandbox,
        course,
        cohort_id,
        registration.platform_id,
        candidates,
        person_of,
        tool_url=tool_url,
        tool_id=install.tool.id,
    )
