"""The completion rules on plain data: each rule, and each edge a reason must name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from ctom_lti.tools.completion.evidence import Cell, Fact, Override
from ctom_lti.tools.completion.results import CandidateResult, Overall, State
from ctom_lti.tools.completion.rules import evaluate
from ctom_lti.tools.completion.settings import RULE_KEYS, CompletionSettings
from tests.unit.tools.completion.support import (
    DONE,
    SESSIONS,
    candidate,
    cells_with,
    cohort,
    full_facts,
)


def one(*args: object, **kwargs: object) -> CandidateResult:
    return evaluate(cohort(*args, **kwargs))[0]  # type: ignore[arg-type]


def test_a_candidate_with_everything_done_completes() -> None:
    result = one()
    assert result.overall is Overall.COMPLETE
    assert [r.state for r in result.rules] == [State.MET] * len(RULE_KEYS)
    assert result.rule("attendance").reason == "attended all 8 sessions"
    assert result.rule("portfolio").reason == "all 2 reflections done"


def test_an_absence_marked_incomplete_is_not_met_and_says_which_session() -> None:
    who = candidate(cells=cells_with(session_3_attendance=Cell(grade="incomplete")))
    rule = one(who).rule("attendance")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Session 3: Attendance: graded incomplete"
    assert "make up the missed session" in rule.todo


def test_attendance_never_recorded_after_the_session_is_a_gap_with_its_own_words() -> None:
    who = candidate(cells=cells_with(session_4_attendance=Cell()))
    rule = one(who).rule("attendance")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Session 4: Attendance: nothing handed in or graded"
    assert "record your attendance" in rule.todo


def test_one_excused_absence_is_allowed_and_named() -> None:
    who = candidate(cells=cells_with(session_2_attendance=Cell(excused=True)))
    result = one(who)
    assert result.overall is Overall.COMPLETE
    reason = result.rule("attendance").reason
    assert "Session 2: Attendance: excused" in reason
    assert "(1 excused absence, 1 allowed)" in reason


def test_excused_absences_beyond_the_cohort_allowance_are_not_met() -> None:
    who = candidate(
        cells=cells_with(
            session_2_attendance=Cell(excused=True), session_5_attendance=Cell(excused=True)
        )
    )
    rule = one(who).rule("attendance")
    assert rule.state is State.NOT_MET
    assert rule.reason.startswith("2 excused absences, the cohort allows 1")
    two_allowed = cohort(who, settings=CompletionSettings(excused_absences=2))
    assert evaluate(two_allowed)[0].rule("attendance").state is State.MET


def test_late_work_graded_complete_counts_and_the_reason_says_late() -> None:
    late = Cell(grade="complete", submitted=True, late=True)
    rule = one(candidate(cells=cells_with(session_1_pre_session=late))).rule("assignments")
    assert rule.state is State.MET
    assert "Session 1: Pre-session: complete, late" in rule.reason


def test_missing_work_is_not_met_and_says_hand_it_in() -> None:
    who = candidate(cells=cells_with(mentor_partnership_agreement=Cell(missing=True)))
    rule = one(who).rule("assignments")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Mentor Partnership Agreement: missing"
    assert "Hand it in" in rule.todo


def test_late_work_not_yet_graded_is_ungraded_and_says_late() -> None:
    who = candidate(
        cells=cells_with(session_6_pre_session=Cell(submitted=True, late=True)),
    )
    rule = one(who).rule("assignments")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Session 6: Pre-session: submitted late, not graded"
    assert "wait" in rule.todo


def test_an_ungraded_presentation_is_not_met_until_graded() -> None:
    who = candidate(cells=cells_with(class_oral_presentation=Cell(submitted=True)))
    result = one(who)
    rule = result.rule("class_presentation")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Class Oral Presentation: submitted, not graded"
    assert result.overall is Overall.NOT_COMPLETE


def test_work_graded_incomplete_is_not_met() -> None:
    who = candidate(cells=cells_with(final_oral_presentation=Cell(grade="incomplete")))
    rule = one(who).rule("final_presentation")
    assert rule.state is State.NOT_MET
    assert rule.reason == "Final Oral Presentation: graded incomplete"
    assert "Redo" in rule.todo


def test_evidence_not_yet_due_is_not_yet_due_not_a_gap() -> None:
    mid_term = SESSIONS[4].last_day + (SESSIONS[5].last_day - SESSIONS[4].last_day) / 2
    later = {f"session_{n}_attendance": Cell() for n in (6, 7, 8)}
    later |= {"final_oral_presentation": Cell(), "programme_feedback_survey": Cell()}
    who = candidate(cells=cells_with(**later))
    result = one(who, today=mid_term)
    assert result.rule("attendance").state is State.NOT_YET_DUE
    assert "Session 6: Attendance: not yet due" in result.rule("attendance").reason
    assert result.rule("final_presentation").state is State.NOT_YET_DUE
    assert result.rule("ethics_and_feedback").state is State.NOT_YET_DUE
    assert result.overall is Overall.IN_PROGRESS


def test_reports_not_yet_due_are_not_yet_due() -> None:
    facts = full_facts() | {
        "reports": (
            Fact("report:2026-09", "done", date(2026, 10, 5), "September report submitted"),
            Fact("report:2026-10", "missing", date(2026, 11, 5), "October report"),
        )
    }
    result = one(candidate(facts=facts), today=date(2026, 10, 20))
    rule = result.rule("mentor_reports")
    assert rule.state is State.NOT_YET_DUE
    assert "not yet due: October report (missing)" in rule.reason


def test_a_returned_report_is_not_met_and_the_mentor_resubmits() -> None:
    facts = full_facts() | {
        "reports": (
            Fact("report:2026-09", "returned", date(2026, 10, 5), "September report returned"),
        )
    }
    rule = one(candidate(facts=facts)).rule("mentor_reports")
    assert rule.state is State.NOT_MET
    assert rule.reason == "September report returned (returned for revision)"
    assert "resubmit" in rule.todo or "submits it again" in rule.todo


def test_a_re_paired_candidate_counts_the_new_mentors_report_for_the_month() -> None:
    facts = full_facts() | {
        "reports": (
            Fact("report:2026-10", "missing", date(2026, 11, 5), "October, first mentor"),
            Fact("report:2026-10", "done", date(2026, 11, 5), "October, new mentor"),
        )
    }
    assert one(candidate(facts=facts)).rule("mentor_reports").state is State.MET


def test_a_reopened_reflection_is_not_met_and_a_missing_principle_is_named() -> None:
    facts = full_facts() | {
        "portfolio": (
            Fact(
                "reflection:security-fundamentals",
                "in_progress",
                None,
                "Security Fundamentals: reopened",
            ),
        )
    }
    rule = one(candidate(facts=facts)).rule("portfolio")
    assert rule.state is State.NOT_MET
    assert "Security Fundamentals: reopened (started, not submitted)" in rule.reason
    assert "Infrastructure: no reflection yet (missing)" in rule.reason
    assert "sign it off" in rule.todo


def test_a_feature_that_is_not_installed_is_not_available_not_met() -> None:
    result = one(sources=frozenset({"portfolio"}))
    rule = result.rule("mentor_reports")
    assert rule.state is State.UNAVAILABLE
    assert rule.reason == "not available: the reports feature is not installed"
    assert result.overall is Overall.NOT_COMPLETE


def test_a_withdrawn_candidate_is_withdrawn_whatever_the_evidence() -> None:
    assert one(candidate(withdrawn=True)).overall is Overall.WITHDRAWN


def test_a_rule_switched_off_is_not_required() -> None:
    who = candidate(cells=cells_with(class_oral_presentation=Cell()))
    settings = CompletionSettings(enabled=frozenset(RULE_KEYS) - {"class_presentation"})
    result = one(who, settings=settings)
    assert result.rule("class_presentation").state is State.OFF
    assert result.overall is Overall.COMPLETE


def test_an_override_meets_the_rule_and_keeps_the_justification_and_the_evidence() -> None:
    override = Override("attendance", "Attended a make-up session", "Ada Admin", date(2027, 6, 1))
    who = candidate(
        cells=cells_with(session_3_attendance=Cell(grade="incomplete")),
        overrides={"attendance": override},
    )
    result = one(who)
    rule = result.rule("attendance")
    assert rule.state is State.MET
    assert rule.computed is State.NOT_MET
    assert "Attended a make-up session" in rule.reason
    assert "Session 3: Attendance: graded incomplete" in rule.reason
    assert result.overall is Overall.COMPLETE


def test_an_assignment_missing_from_canvas_says_to_sync() -> None:
    ev = cohort()
    without = tuple(a for a in ev.assignments if a.key != "final-oral-presentation")
    rule = evaluate(replace(ev, assignments=without))[0].rule("final_presentation")
    assert rule.state is State.NOT_MET
    assert "not in the Canvas course" in rule.reason
    assert "sync" in rule.todo


def test_an_unreadable_gradebook_makes_the_canvas_rules_unavailable() -> None:
    result = one(gradebook_problem="Canvas answered 500")
    assert result.rule("assignments").state is State.UNAVAILABLE
    assert "Canvas answered 500" in result.rule("assignments").reason
    assert result.rule("portfolio").state is State.MET
    assert result.overall is Overall.NOT_COMPLETE


def test_excused_work_counts_and_claimed_assignments_are_judged_once() -> None:
    who = candidate(
        cells=cells_with(code_of_ethics=Cell(excused=True), mentor_partnership_agreement=DONE)
    )
    result = one(who)
    assert "Code of Ethics" not in result.rule("assignments").reason
    assert "Code of Ethics Acknowledgement: excused" in result.rule("ethics_and_feedback").reason


def test_a_reflection_in_progress_before_the_term_ends_is_not_yet_due() -> None:
    facts = full_facts() | {
        "portfolio": (
            Fact("reflection:security-fundamentals", "in_progress", None, "Security: draft"),
        )
    }
    rule = one(candidate(facts=facts), today=date(2027, 3, 1)).rule("portfolio")
    assert rule.state is State.NOT_YET_DUE
    assert "Security: draft (started, not submitted)" in rule.reason


def test_a_long_list_of_work_not_yet_due_names_the_first_few_and_counts_the_rest() -> None:
    early = SESSIONS[0].last_day - timedelta(days=7)
    who = candidate(cells={})
    rule = one(who, today=early).rule("attendance")
    assert rule.state is State.NOT_YET_DUE
    assert rule.reason.startswith("Session 1: Attendance: not yet due")
    assert "Session 4: Attendance" not in rule.reason
    assert rule.reason.endswith("; and 5 more not yet due")
