"""Which reminder step is due for a report today, and what the mentor's message says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ctom_lti.tools.reports.reminders import (
    BEFORE,
    DUE,
    OVERDUE,
    Decision,
    Reminder,
    ReportFacts,
    body,
    decide,
    decide_all,
    message_digest,
    subject,
)

DUE_ON = date(2026, 12, 5)


def facts(status: str = "not_started", **steps: str) -> ReportFacts:
    return ReportFacts(1, status, DUE_ON, steps)


@pytest.mark.parametrize(
    ("days_before_due", "step"),
    [
        (10, None),
        (4, None),
        (3, BEFORE),
        (1, BEFORE),
        (0, DUE),
        (-6, DUE),
        (-7, OVERDUE),
        (-40, OVERDUE),
    ],
)
def test_the_step_follows_the_calendar(days_before_due: int, step: str | None) -> None:
    today = DUE_ON - timedelta(days=days_before_due)
    assert decide(facts(), today).send == step


def test_each_step_is_sent_once() -> None:
    assert decide(facts(before="sent"), DUE_ON - timedelta(days=2)).send is None
    assert decide(facts(before="sent"), DUE_ON).send == DUE
    assert decide(facts(before="sent", due="sent"), DUE_ON + timedelta(days=3)).send is None
    assert decide(facts(before="sent", due="sent"), DUE_ON + timedelta(days=7)).send == OVERDUE


def test_a_failed_step_is_tried_again_while_it_is_the_latest() -> None:
    assert decide(facts(before="failed"), DUE_ON - timedelta(days=1)).send == BEFORE
    # Once the due day comes, the due-day message replaces it.
    assert decide(facts(before="failed"), DUE_ON) == Decision(1, DUE, (BEFORE,))


def test_only_the_most_pressing_step_is_sent_when_several_are_due() -> None:
    late = decide(facts(), DUE_ON + timedelta(days=9))
    assert late == Decision(1, OVERDUE, (BEFORE, DUE))
    assert decide(facts(before="skipped", due="skipped"), DUE_ON + timedelta(days=20)).skip == ()


@pytest.mark.parametrize("status", ["submitted", "acknowledged"])
def test_nothing_is_sent_about_a_report_handed_in(status: str) -> None:
    assert decide(facts(status), DUE_ON + timedelta(days=8)).send is None


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_reports_still_owed_are_reminded(status: str) -> None:
    assert decide(facts(status), DUE_ON).send == DUE


def test_decide_all_keeps_only_reports_needing_a_message() -> None:
    reports = [
        facts(),
        ReportFacts(2, "submitted", DUE_ON, {}),
        ReportFacts(3, "draft", DUE_ON, {"due": "sent"}),
    ]
    assert [d.report_id for d in decide_all(reports, DUE_ON)] == [1]


def test_the_message_names_each_report_and_when_it_is_due() -> None:
    items = [
        Reminder("Cody Candidate", date(2026, 11, 1), DUE_ON, DUE),
        Reminder("Ana Other", date(2026, 10, 1), date(2026, 11, 5), OVERDUE),
    ]
    text = body("Maya Mentor", items, DUE_ON, "https://canvas.example.edu/courses/12")
    assert text.startswith("Hello Maya Mentor,")
    assert "- Ana Other, October 2026: overdue since 5 November (30 days)" in text
    assert "- Cody Candidate, November 2026: due today" in text
    assert "https://canvas.example.edu/courses/12" in text
    assert subject(items) == "Overdue: monthly mentor reports"
    ahead = [Reminder("Cody Candidate", date(2026, 11, 1), DUE_ON, BEFORE)]
    assert subject(ahead) == "Coming due: monthly mentor report"
    assert "due on Saturday 5 December (in 3 days)" in body(
        "M", ahead, DUE_ON - timedelta(days=3), None
    )


def test_a_step_whose_sending_is_unconfirmed_waits_and_an_earlier_one_becomes_moot() -> None:
    assert decide(facts(due="sending"), DUE_ON) == Decision(1, None)
    later = decide(facts(due="sending"), DUE_ON + timedelta(days=7))
    assert later == Decision(1, OVERDUE, (BEFORE, DUE))


def test_the_digest_names_one_message_however_canvas_stores_its_line_ends() -> None:
    text = "Hello Maya,\n\n- Alicia, October 2026: due today\n"
    same = message_digest("Due today: monthly mentor report", text)
    assert message_digest(" Due today: monthly mentor report", text.replace("\n", "\r\n")) == same
    assert message_digest("Due today: monthly mentor report", text + "  ") == same
    assert message_digest("Overdue: monthly mentor report", text) != same
    assert (
        message_digest("Due today: monthly mentor report", text.replace("Alicia", "Brian")) != same
    )
