"""A cohort course built in the sandbox Canvas, its candidates graded with a known mix.

Five candidates: one complete, one absent from session 3, one with an excused absence, one whose
class presentation is handed in but not graded, and one whose September mentor report was
returned. The mentor reports and reflections come from stand-in features that give completion
facts, so these tests do not depend on how the reports and portfolio features are built.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from flask import Blueprint, Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti import app_features
from ctom_lti.cli import main
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.features import CompletionFact, Feature
from ctom_lti.models import Membership, Person
from ctom_lti.sandbox import grading
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.timestamps import now
from tests.integration.canvas_sync.conftest import EXAMPLE, fast_gateway, install_tool
from tests.integration.cohorts.support import cohort_file, register_tenant

SIS = "CTOM-2026-C12"
#: After the programme's end, so every duty is due.
AS_OF = date(2027, 6, 1)
CANDIDATES = {
    "done": "Dana Done",
    "absent": "Abe Absent",
    "excused": "Eve Excused",
    "ungraded": "Uma Ungraded",
    "returned": "Rex Returned",
}
MONTHS = ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04")


def email(who: str) -> str:
    return f"cand-{who}@example.edu"


def _candidates(session: Session, cohort_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Person.id, Person.sis_user_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.cohort_id == cohort_id, Membership.role == "candidate")
    )
    return {pid: (sis or "").removeprefix("cand-") for pid, sis in rows}


def _report_facts(
    session: Session, cohort_id: int, today: date
) -> Mapping[int, tuple[CompletionFact, ...]]:
    facts: dict[int, tuple[CompletionFact, ...]] = {}
    for pid, who in _candidates(session, cohort_id).items():
        facts[pid] = tuple(
            CompletionFact(
                f"report:{month}",
                "returned" if who == "returned" and month == "2026-09" else "done",
                date(int(month[:4]), int(month[5:]), 28),
                f"{month} report",
            )
            for month in MONTHS
        )
    return facts


def _reflection_facts(
    session: Session, cohort_id: int, today: date
) -> Mapping[int, tuple[CompletionFact, ...]]:
    principles = load_curriculum().principles
    return {
        pid: tuple(
            CompletionFact(f"reflection:{p.key}", "done", None, f"{p.name}: signed off")
            for p in principles
        )
        for pid in _candidates(session, cohort_id)
    }


REPORTS = Feature(
    "reports", Blueprint("stand_in_reports", __name__), completion_facts=_report_facts
)
PORTFOLIO = Feature(
    "portfolio", Blueprint("stand_in_portfolio", __name__), completion_facts=_reflection_facts
)


def features_with_stand_ins() -> list[Feature]:
    own = [f for f in app_features() if f.name not in {"reports", "portfolio"}]
    return [*own, REPORTS, PORTFOLIO]


def build_course(app: Flask, sandbox: SandboxServer, tmp_path: Path, extra: str = "") -> int:
    """The example cohort's course synced into the sandbox, the candidates enrolled and known to
    the tool by their SIS ids; the Canvas course id."""
    store = sandbox.store
    install_tool(store)
    register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        canvas_url=sandbox.base_url,
        canvas_token=sandbox.admin_token,
    )
    text = EXAMPLE.split("[[pairings]]")[0] + extra
    path = cohort_file(tmp_path, canvas_url=sandbox.base_url, text=text)
    imported = app.test_cli_runner().invoke(main, ["cohort", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    from ctom_lti.canvas_sync import load_cohort, sync_course
    from ctom_lti.cohorts.records import find_cohort

    with session_scope(app) as s:
        cohort = find_cohort(s, SIS)
        config = load_cohort(path, load_curriculum())
        sync_course(
            s, fast_gateway(sandbox), config, tool_base_url="http://t.example", cohort_id=cohort.id
        )
        course_id = next(c.id for c in store.courses.values() if c.sis_course_id == SIS)
        for who, name in CANDIDATES.items():
            user = store.add_user(name, email(who), sis_user_id=f"cand-{who}")
            store.enroll(user.id, course_id, "StudentEnrollment")
            person = Person(
                platform_id=cohort.platform_id,
                sub=f"lti-{who}",
                name=name,
                email=email(who),
                sis_user_id=f"cand-{who}",
            )
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, cohort_id=cohort.id, role="candidate"))
    return course_id


def grade_known_mix(sandbox: SandboxServer, course_id: int) -> None:
    """Every candidate complete on everything, except each one's own gap."""
    store = sandbox.store
    teacher = store.add_user("Grace Grader", "grader@example.edu")
    assignments = {
        a.sis_assignment_id or a.name: a
        for a in store.assignments.values()
        if a.course_id == course_id and a.published
    }
    by_title = {a.name: a for a in assignments.values()}
    users = {u.sis_user_id: u.id for u in store.users.values() if u.sis_user_id}
    for who in CANDIDATES:
        uid = users[f"cand-{who}"]
        for a in by_title.values():
            grading.grade_submission(store, a, uid, "complete", teacher.id)
    absent = by_title["Session 3: Attendance"]
    grading.grade_submission(store, absent, users["cand-absent"], "incomplete", teacher.id)
    excused = by_title["Session 2: Attendance"]
    grading.grade_submission(store, excused, users["cand-excused"], None, teacher.id, excuse=True)
    talk = by_title["Class Oral Presentation"]
    with store.lock:
        sub = store.submission_for(talk.id, users["cand-ungraded"])
        sub.grade = sub.score = sub.entered_grade = sub.entered_score = None
        sub.graded_at = None
        sub.grader_id = None
        sub.workflow_state = "submitted"
        sub.submitted_at = now()
        sub.submission_type = "online_upload"
