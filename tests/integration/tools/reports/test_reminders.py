"""Reminders to mentors' Canvas Inboxes, against the sandbox Canvas over HTTP: each step sent
once across repeated runs, a failed send recorded and sent on the next run; and the ``reports
due`` / ``reports remind`` commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from ctom_lti.cli import main
from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.db import session_scope
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.models import Cohort, Role
from ctom_lti.sandbox import conversations as inbox
from ctom_lti.sandbox.knobs import Fault
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.reports.reminder_models import (
    FAILED,
    SENDING,
    SENT,
    SKIPPED,
    ReportReminder,
)
from ctom_lti.tools.reports.reminder_service import RemindOutcome, send_reminders
from ctom_lti.tools.reports.service import sync_schedule
from tests.factories import make_cohort, make_membership, make_person
from tests.integration.canvas_sync.conftest import FAST_RETRIES
from tests.integration.cohorts.support import register_tenant
from tests.integration.tools.reports.dash_support import arrange, launch
from tests.integration.tools.reports.support import give_calendar, make_pairing
from tests.lti_fixtures import LaunchActions

SIS = "CTOM-REMIND-1"
#: Rows are made as of 15 November 2026: September, October and November are open.
MADE_AT = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@dataclass
class Setup:
    cohort_id: int
    course_id: int
    #: Canvas user id of each mentor, by name
    canvas_ids: dict[str, int]


@pytest.fixture
def setup(app: Flask, sandbox: SandboxServer) -> Setup:
    store = sandbox.store
    course = store.add_course("CTO Mentor Cohort", workflow_state="available", sis_course_id=SIS)
    platform_id = register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="10000000000077",
        canvas_url=sandbox.base_url,
        canvas_token=sandbox.admin_token,
    )
    canvas_ids = {}
    with session_scope(app) as session:
        cohort = make_cohort(
            session, platform_id, sis_course_id=SIS, canvas_course_id=str(course.id)
        )
        give_calendar(cohort, time_zone="UTC")
        for n, name in enumerate(("Maya Mentor", "Noel Mentor")):
            user = store.add_user(name, f"m{n}@x.edu")
            store.enroll(user.id, course.id, "ObserverEnrollment")
            canvas_ids[name] = user.id
            mentor = make_person(session, platform_id, name=name, canvas_user_id=str(user.id))
            make_membership(session, cohort, Role.MENTOR, mentor)
            candidate = make_person(session, platform_id, name=f"Candidate of {name}")
            make_membership(session, cohort, Role.CANDIDATE, candidate)
            make_pairing(session, cohort, mentor, candidate)
        sync_schedule(session, cohort.id, default_due_day=5, now=MADE_AT)
        return Setup(cohort.id, course.id, canvas_ids)


def remind(app: Flask, setup: Setup, today: date) -> RemindOutcome:
    now = datetime(today.year, today.month, today.day, 13, tzinfo=UTC)
    with session_scope(app) as session:
        cohort = session.get(Cohort, setup.cohort_id)
        assert cohort is not None
        gateway = cohort_gateway(session, cohort, get_fernet(app), retry_policy=FAST_RETRIES)
        return send_reminders(
            session, cohort, gateway, today=today, now=now, after_each=session.commit
        )


def inbox_of(sandbox: SandboxServer, canvas_id: int) -> list[str]:
    return [c.subject for c in inbox.visible_to(sandbox.store, canvas_id)]


def steps(app: Flask) -> list[tuple[str, str, int]]:
    with session_scope(app) as session:
        return sorted(
            (r.step, r.status, r.attempts) for r in session.scalars(select(ReportReminder))
        )


def test_each_step_is_sent_once_across_repeated_runs(
    app: Flask, sandbox: SandboxServer, setup: Setup
) -> None:
    maya = setup.canvas_ids["Maya Mentor"]
    # 2 December: September and October are long overdue, November is due in 3 days.
    first = remind(app, setup, date(2026, 12, 2))
    assert len(first.sent) == 2 and not first.failed
    assert inbox_of(sandbox, maya) == ["Overdue: monthly mentor reports"]
    [conversation] = inbox.visible_to(sandbox.store, maya)
    text = conversation.messages[0].body
    assert "Candidate of Maya Mentor, September 2026: overdue since 5 October" in text
    assert "Candidate of Maya Mentor, November 2026: due on Saturday 5 December" in text
    assert conversation.context_code == f"course_{setup.course_id}"
    assert conversation.private
    # Per mentor: overdue sent for two reports (their earlier steps skipped), before for one.
    assert steps(app).count(("overdue", SENT, 1)) == 4
    assert steps(app).count(("before", SENT, 1)) == 2
    assert steps(app).count(("before", SKIPPED, 0)) == 4
    # The same day again, and the next day: nothing new.
    assert remind(app, setup, date(2026, 12, 2)).messages == []
    assert remind(app, setup, date(2026, 12, 3)).messages == []
    # The due day: one message about November.
    due = remind(app, setup, date(2026, 12, 5))
    assert [m.subject for m in due.sent] == ["Due today: monthly mentor report"] * 2
    assert remind(app, setup, date(2026, 12, 6)).messages == []
    assert len(inbox_of(sandbox, maya)) == 2


def test_a_failed_send_is_recorded_and_sent_on_the_next_run(
    app: Flask, sandbox: SandboxServer, setup: Setup
) -> None:
    sandbox.knobs.inject(Fault.ERROR, times=1, method="POST")
    # 5 November: October's report is due today, September's a month overdue.
    failed = remind(app, setup, date(2026, 11, 5))
    assert len(failed.failed) == 1 and len(failed.sent) == 1
    assert "Canvas" in (failed.failed[0].error or "")
    # A 5xx to a send does not say whether Canvas made the message: the next run looks first.
    assert [s for s in steps(app) if s[1] in (FAILED, SENDING)] == [
        ("due", SENDING, 1),
        ("overdue", SENDING, 1),
    ]
    retried = remind(app, setup, date(2026, 11, 6))
    assert [m.mentor_name for m in retried.sent] == [failed.failed[0].mentor_name]
    assert [s for s in steps(app) if s[1] == SENT] == [
        ("due", SENT, 1),
        ("due", SENT, 2),
        ("overdue", SENT, 1),
        ("overdue", SENT, 2),
    ]
    assert remind(app, setup, date(2026, 11, 7)).messages == []
    for canvas_id in setup.canvas_ids.values():
        assert inbox_of(sandbox, canvas_id) == ["Overdue: monthly mentor reports"]


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(main, ["reports", *args])


def test_the_commands_list_what_is_due_and_remind_once_a_day(
    app: Flask, sandbox: SandboxServer, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    store = sandbox.store
    course = store.add_course("Cohort", workflow_state="available")
    platform_id = register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="10000000000078",
        canvas_url=sandbox.base_url,
        canvas_token=sandbox.admin_token,
    )
    made = arrange(app, cohort_id, candidates=2, mentors=1, months_back=2)
    with session_scope(app) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        cohort.platform_id, cohort.sis_course_id = platform_id, SIS
        cohort.canvas_course_id = str(course.id)
        mentor_user = store.add_user("Mentor A", "a@x.edu")
        store.enroll(mentor_user.id, course.id, "ObserverEnrollment")
        from ctom_lti.models import Person

        mentor = session.get(Person, made.mentors[0])
        assert mentor is not None
        mentor.canvas_user_id = str(mentor_user.id)
    listed = run(app, "due", "--cohort", SIS, "--json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    # Two months back and last month are due by now: at least the oldest is overdue.
    assert any(r["overdue"] for r in data["reports"])
    assert {r["mentor"] for r in data["reports"]} == {"Mentor A"}
    plain = run(app, "due", "--cohort", SIS)
    assert "OVERDUE" in plain.output
    dry = run(app, "remind", "--cohort", SIS, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would send to Mentor A" in dry.output
    assert inbox_of(sandbox, mentor_user.id) == []
    sent = run(app, "remind", "--cohort", SIS)
    assert sent.exit_code == 0, sent.output
    assert "1 reminders sent, 0 failed" in sent.output
    again = run(app, "remind", "--cohort", SIS)
    assert "0 reminders sent, 0 failed" in again.output
    assert len(inbox_of(sandbox, mentor_user.id)) == 1
    unknown = run(app, "due", "--cohort", "NOPE")
    assert unknown.exit_code == 2


def conversations_sent_to(sandbox: SandboxServer, canvas_id: int) -> int:
    return sum(
        1
        for c in inbox.conversations(sandbox.store).values()
        if canvas_id in c.participant_ids and c.messages
    )


def test_a_reminder_whose_answer_was_lost_is_not_sent_again(
    app: Flask, sandbox: SandboxServer, setup: Setup
) -> None:
    # Canvas makes the first conversation, then the connection drops before its answer.
    sandbox.knobs.inject(Fault.DROP_AFTER, times=1, method="POST", path_prefix="/api/v1/conv")
    first = remind(app, setup, date(2026, 11, 5))
    [lost] = first.failed
    assert "may or may not have the message" in (lost.error or "")
    canvas_id = setup.canvas_ids[lost.mentor_name]
    assert conversations_sent_to(sandbox, canvas_id) == 1  # it did reach their Inbox
    assert [s for s in steps(app) if s[1] == SENDING] == [
        ("due", SENDING, 1),
        ("overdue", SENDING, 1),
    ]
    # The next run finds it in Canvas: recorded sent, not sent again.
    again = remind(app, setup, date(2026, 11, 5))
    assert again.messages == [] and again.unsettled == []
    assert conversations_sent_to(sandbox, canvas_id) == 1
    with session_scope(app) as session:
        settled = session.scalars(
            select(ReportReminder).where(
                ReportReminder.attempts == 1, ReportReminder.step != "before"
            )
        ).all()
        conversation_ids = {r.conversation_id for r in settled}
    assert all(r.status == SENT for r in settled)
    assert len(conversation_ids) == 2 and None not in conversation_ids  # one per mentor
    assert remind(app, setup, date(2026, 11, 6)).messages == []
    assert conversations_sent_to(sandbox, canvas_id) == 1


def test_a_reminder_lost_before_canvas_had_it_is_sent_on_the_next_run(
    app: Flask, sandbox: SandboxServer, setup: Setup
) -> None:
    # The connection drops before Canvas runs the request: nothing reached the Inbox.
    sandbox.knobs.inject(Fault.DROP, times=1, method="POST", path_prefix="/api/v1/conv")
    [lost] = remind(app, setup, date(2026, 11, 5)).failed
    canvas_id = setup.canvas_ids[lost.mentor_name]
    assert conversations_sent_to(sandbox, canvas_id) == 0
    # Canvas cannot be asked on the next run: nothing is sent to them, the steps wait.
    with sandbox.knobs.override(error_rate=1.0, fault_paths=("/api/v1/conversations",)):
        blocked = remind(app, setup, date(2026, 11, 5))
    assert blocked.messages == []
    assert [u.mentor_name for u in blocked.unsettled] == [lost.mentor_name]
    assert conversations_sent_to(sandbox, canvas_id) == 0
    # Then Canvas answers: it has no such message, so this run sends it, once.
    retried = remind(app, setup, date(2026, 11, 5))
    assert [m.mentor_name for m in retried.sent] == [lost.mentor_name]
    assert conversations_sent_to(sandbox, canvas_id) == 1
    assert [s for s in steps(app) if s[1] in (SENT, SENDING, FAILED)] == [
        ("due", SENT, 1),
        ("due", SENT, 2),
        ("overdue", SENT, 1),
        ("overdue", SENT, 2),
    ]
    assert remind(app, setup, date(2026, 11, 6)).messages == []
