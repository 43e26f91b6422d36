"""The report's rules: who may do what in which status, what a submission needs, what the
candidate may read, what a month means for completion, and the content's JSON round trip."""

from __future__ import annotations

from datetime import date

import pytest

from ctom_lti.tools.reports.rules import (
    DEFAULT_SHARED,
    Meeting,
    PrincipleProgress,
    ReportContent,
    access,
    changed_parts,
    clean_shared,
    completion_state,
    decide,
    missing_for_submission,
    shared_view,
)

FULL = ReportContent(
    meetings=(Meeting(date(2026, 9, 20), "video", 45), Meeting(date(2026, 9, 27), "phone", 15)),
    communication="Weekly emails.",
    principles=(PrincipleProgress("infrastructure", "progressing", "Plan drafted."),),
    strengths="Organised.",
    next_steps="Budget by next session.",
    overall="on_track",
)


@pytest.mark.parametrize(
    ("action", "status", "author", "staff", "allowed", "to"),
    [
        ("save", "not_started", True, False, True, "draft"),
        ("save", "draft", True, False, True, "draft"),
        ("save", "returned", True, False, True, "returned"),
        ("submit", "draft", True, False, True, "submitted"),
        ("submit", "returned", True, False, True, "submitted"),
        ("save", "submitted", True, False, False, ""),
        ("submit", "acknowledged", True, False, False, ""),
        ("save", "draft", False, True, False, ""),
        ("acknowledge", "submitted", False, True, True, "acknowledged"),
        ("acknowledge", "draft", False, True, False, ""),
        ("acknowledge", "submitted", True, False, False, ""),
        ("return", "submitted", False, True, True, "returned"),
        ("return", "acknowledged", False, True, True, "returned"),
        ("return", "draft", False, True, False, ""),
    ],
)
def test_who_may_do_what_in_which_status(
    action: str, status: str, *, author: bool, staff: bool, allowed: bool, to: str
) -> None:
    decision = decide(action, status, is_author=author, is_staff=staff)  # type: ignore[arg-type]
    assert decision.allowed == allowed
    assert decision.status == to
    assert bool(decision.refused) != allowed


def test_a_complete_report_can_be_submitted() -> None:
    assert missing_for_submission(FULL) == {}


def test_a_submission_needs_contact_next_steps_and_an_overall_status() -> None:
    assert set(missing_for_submission(ReportContent())) == {"meetings", "next_steps", "overall"}
    # Meeting notes under Communication count as contact.
    by_email = ReportContent(communication="Emails only.", next_steps="x", overall="on_track")
    assert missing_for_submission(by_email) == {}


def test_a_worrying_status_needs_the_concern_spelled_out() -> None:
    worried = ReportContent(
        meetings=FULL.meetings, next_steps="x", overall="at_risk", concerns="  "
    )
    assert set(missing_for_submission(worried)) == {"concerns"}


def test_content_survives_json() -> None:
    assert ReportContent.from_json(FULL.to_json()) == FULL
    assert ReportContent.from_json(None) == ReportContent()
    assert FULL.minutes == 60


def test_changed_parts_name_the_fields_that_differ() -> None:
    later = ReportContent.from_json(FULL.to_json() | {"strengths": "More organised."})
    assert changed_parts(FULL, later) == ["strengths"]
    assert changed_parts(FULL, FULL) == []


def test_what_the_candidate_may_read() -> None:
    assert shared_view(FULL) == {
        "meetings": True, "communication": False, "principles": False, "assignments": False,
        "strengths": True, "concerns": False, "next_steps": True, "overall": False,
    }  # fmt: skip
    assert FULL.shared == DEFAULT_SHARED
    assert clean_shared(["overall", "nonsense", "meetings"]) == ("meetings", "overall")


@pytest.mark.parametrize(
    ("viewer", "staff", "status", "expected"),
    [
        (1, False, "draft", "edit"),
        (1, False, "returned", "edit"),
        (1, False, "submitted", "read"),
        (3, True, "draft", "review"),
        (2, False, "draft", None),
        (2, False, "not_started", None),
        (2, False, "submitted", "shared"),
        (2, False, "acknowledged", "shared"),
        (2, False, "returned", None),
        (4, False, "submitted", None),
    ],
)
def test_access_to_one_report(viewer: int, staff: bool, status: str, expected: str | None) -> None:
    assert access(viewer, is_staff=staff, mentor_id=1, candidate_id=2, status=status) == expected


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        (["submitted"], "done"),
        (["acknowledged", "submitted"], "done"),
        (["acknowledged", "draft"], "in_progress"),
        (["draft"], "in_progress"),
        (["returned"], "returned"),
        (["acknowledged", "returned"], "returned"),
        (["not_started"], "missing"),
        ([], "missing"),
    ],
)
def test_a_months_completion_state(statuses: list[str], state: str) -> None:
    assert completion_state(statuses) == state
