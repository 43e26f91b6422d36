"""A report starts from what the tool knows: the candidate's attendance and pass/fail results of
the month's sessions and assignments, read from the sandbox Canvas gradebook in one bulk call,
and the next steps agreed in the previous month's report."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy.orm import Session

from ctom_lti.canvas import make_canvas_gateway
from ctom_lti.canvas.dto import AssignmentFields
from ctom_lti.canvas_sync.models import SyncMapping
from ctom_lti.models import CohortSession, Role
from ctom_lti.sandbox import grading
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.prefill import known_facts, prefilled
from ctom_lti.tools.reports.rules import ReportContent
from tests.factories import make_cohort_of_people
from tests.integration.tools.reports.support import give_calendar, make_pairing


def _session_row(number: int, day: date) -> CohortSession:
    return CohortSession(
        number=number, key=f"session-{number}", title=f"Session {number}", format="friday",
        date=day, start=time(17), location="Fresno", region="north",
    )  # fmt: skip


def test_the_months_gradebook_results_and_last_months_next_steps(
    session: Session, sandbox: SandboxServer
) -> None:
    store = sandbox.store
    course = store.add_course("Cohort 12", course_code="C12", workflow_state="available")
    alicia = store.add_user("Alicia Moreno", "alicia", email="a@example.org")
    store.enroll(alicia.id, course.id, "StudentEnrollment")
    gateway = make_canvas_gateway(sandbox.base_url, sandbox.admin_token)
    made = make_cohort_of_people(session, candidates=1, mentors=1)
    cohort = give_calendar(made.cohort)
    cohort.canvas_course_id = str(course.id)
    cohort.settings = {"principle_sessions": {"infrastructure": 2, "fiscal-management": 5}}
    cohort.sessions = [_session_row(1, date(2026, 9, 11)), _session_row(2, date(2026, 10, 9))]
    candidate = made.of(Role.CANDIDATE)[0]
    candidate.canvas_user_id = str(alicia.id)
    # The course as sync built it: each assignment mapped by its desired key.
    keys = {
        "session-2-attendance": "complete",
        "session-2-pre-session": "incomplete",
        "principle-infrastructure-assignment": None,
        "session-1-attendance": "complete",  # September's: not this month's
        "principle-fiscal-management-assignment": "complete",  # due at session 5
    }
    for key, grade in keys.items():
        made_in_canvas = gateway.create_assignment(course.id, AssignmentFields(name=key))
        session.add(
            SyncMapping(
                cohort_id=cohort.id, canvas_url=sandbox.base_url, canvas_course_id=course.id,
                sis_course_id="C12", desired_key=f"assignment:{key}", kind="assignment",
                canvas_id=made_in_canvas.id,
            )
        )  # fmt: skip
        if grade:
            assignment = store.assignments[made_in_canvas.id]
            grading.grade_submission(store, assignment, alicia.id, grade, sandbox.admin_user_id)
    pairing = make_pairing(session, cohort, made.of(Role.MENTOR)[0], candidate)
    rows = []
    for month, steps in ((date(2026, 9, 1), "Read two district plans."), (date(2026, 10, 1), "")):
        row = ProgressReport(
            cohort_id=cohort.id, pairing_id=pairing.id, mentor_person_id=pairing.mentor_person_id,
            candidate_person_id=candidate.id, month=month, period_start=month,
            period_end=month.replace(day=30), due_on=date(2026, month.month + 1, 5),
            content={"next_steps": steps} if steps else {}, shared=[],
        )  # fmt: skip
        session.add(row)
        rows.append(row)
    session.flush()
    sandbox.log.clear()

    facts = known_facts(session, rows[1], gateway)
    assert facts.canvas_problem is None
    assert [(r.kind, r.name, r.outcome) for r in facts.results] == [
        ("attendance", "Session 2 attendance", "complete"),
        ("prerequisite", "Session 2 pre-session assignment", "incomplete"),
        ("assignment", "Infrastructure", "missing"),
    ]
    assert facts.sessions == (("Session 2", date(2026, 10, 9)),)
    assert facts.last_next_steps == "Read two district plans."
    # The whole month in one gradebook call.
    assert len(sandbox.log.entries(method="GET")) == 1

    draft = prefilled(facts, ReportContent(strengths="Mine"))
    assert draft.prerequisites_reviewed == "Session 2 pre-session assignment: incomplete"
    assert draft.assignments_reviewed == "Infrastructure: missing"
    assert draft.strengths == "Mine"


def test_without_canvas_the_report_still_opens_and_says_why(session: Session) -> None:
    made = make_cohort_of_people(session, candidates=1, mentors=1)
    cohort = give_calendar(made.cohort)
    cohort.sessions = [_session_row(1, date(2026, 9, 18))]
    pairing = make_pairing(session, cohort, made.of(Role.MENTOR)[0], made.of(Role.CANDIDATE)[0])
    row = ProgressReport(
        cohort_id=cohort.id, pairing_id=pairing.id, mentor_person_id=pairing.mentor_person_id,
        candidate_person_id=pairing.candidate_person_id, month=date(2026, 9, 1),
        period_start=date(2026, 9, 12), period_end=date(2026, 9, 30), due_on=date(2026, 10, 5),
        content={}, shared=[],
    )  # fmt: skip
    session.add(row)
    session.flush()
    facts = known_facts(session, row, None, "No Canvas token is stored.")
    assert facts.canvas_problem == "No Canvas token is stored."
    assert facts.results == ()
    assert prefilled(facts, ReportContent()) == ReportContent()
