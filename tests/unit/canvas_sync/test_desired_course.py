"""The desired course the packaged spec expands to for a cohort (pure, no Canvas)."""

from __future__ import annotations

from datetime import UTC, datetime

from ctom_lti.canvas_sync.desired import tool_launch_url
from ctom_lti.canvas_sync.desired_objects import ASSIGNMENT, EXTERNAL_TOOL, PAGE, SUBHEADER
from ctom_lti.canvas_sync.spec_fields import GLOBAL_FIELDS, SCOPE_FIELDS
from ctom_lti.cohorts import Pairing

from .expansion import COHORT, SPEC, TOOL, build


def test_the_packaged_spec_builds_the_programme_layout() -> None:
    course = build()
    assert [m.name for m in course.modules] == [
        "Programme Overview",
        "Technology Strand",
        "Education Strand",
        "Leadership Strand",
        "Sessions",
        "Presentations",
        "Mentoring",
        "Programme Feedback",
    ]
    overview = course.modules[0]
    assert [i.title for i in overview.items] == [
        "Programme Responsibilities",
        "Code of Ethics Acknowledgement",
        "Mentor Partnership Agreement",
    ]
    # Per principle: a sub-header, an overview page, an assignment and a link to the tool.
    strands = course.modules[1:4]
    assert [len(m.items) for m in strands] == [4 * 4, 5 * 4, 7 * 4]
    first = strands[0].items[:4]
    assert [i.type for i in first] == [SUBHEADER, PAGE, ASSIGNMENT, EXTERNAL_TOOL]
    assert [i.title for i in first] == [
        "1. Security Fundamentals",
        "Security Fundamentals: Overview",
        "Security Fundamentals: Assignment",
        "Security Fundamentals: Portfolio Reflection",
    ]
    assert first[3].external_url == (
        f"{TOOL}/lti/launch?ctom_page=reflection&principle_key=security-fundamentals"
    )
    sessions = course.modules[4]
    assert len(sessions.items) == 8 * 3
    assert sessions.items[0].title == (
        "Session 1: Kickoff, Friday 11 September 2026, Sacramento County Office of Education "
        "(Northern California)"
    )
    assert [i.title for i in course.modules[5].items] == [
        "Class Oral Presentation",
        "Final Oral Presentation",
    ]
    mentoring = course.modules[6].items
    assert [i.external_url for i in mentoring] == [
        f"{TOOL}/lti/launch?ctom_page=reports",
        f"{TOOL}/lti/launch?ctom_page=pairing",
    ]
    assert [i.title for i in course.modules[7].items] == ["Programme Feedback Survey"]


def test_assignment_groups_per_strand_plus_programme_sessions_and_presentations() -> None:
    course = build()
    assert [g.name for g in course.groups] == [
        "Programme",
        "Technology Strand",
        "Education Strand",
        "Leadership Strand",
        "Sessions and Attendance",
        "Presentations",
    ]
    by_group: dict[str, int] = {}
    for a in course.assignments:
        by_group[a.group_key] = by_group.get(a.group_key, 0) + 1
    assert by_group == {
        "group:programme": 3,
        "group:strand-technology": 4,
        "group:strand-education": 5,
        "group:strand-leadership": 7,
        "group:sessions": 16,
        "group:presentations": 2,
    }


def test_every_assignment_is_pass_fail_worth_one_point_and_published() -> None:
    course = build()
    assert len(course.assignments) == 37
    assert {(a.grading_type, a.points_possible, a.published) for a in course.assignments} == {
        ("pass_fail", 1.0, True)
    }


def test_due_dates_follow_the_cohort_calendar_in_its_time_zone() -> None:
    course = build()
    due = {a.key: a.due_at for a in course.assignments}
    # Session 2 starts Friday 9 October 2026, 17:00 in Los Angeles (PDT, UTC-7).
    assert due["assignment:principle-security-fundamentals-assignment"] == datetime(
        2026, 10, 10, 0, 0, tzinfo=UTC
    )
    # The kickoff starts at 09:00.
    assert due["assignment:session-1-pre-session"] == datetime(2026, 9, 11, 16, 0, tzinfo=UTC)
    # In January the zone is PST (UTC-8).
    assert due["assignment:session-5-pre-session"] == datetime(2027, 1, 9, 1, 0, tzinfo=UTC)
    assert due["assignment:session-5-attendance"] is None
    assert due["assignment:programme-feedback-survey"] == datetime(2027, 5, 29, 6, 59, tzinfo=UTC)


def test_overview_pages_list_the_topics_escaped_as_html() -> None:
    course = build()
    page = next(
        p for p in course.pages if p.key == "page:principle-staff-centered-aspects-overview"
    )
    assert "<li>Classified/certificated aspects</li>" in page.body
    finance = next(
        p for p in course.pages if p.key == "page:principle-finance-centered-aspects-overview"
    )
    assert "<li>Purchasing, bidding and vendor relations</li>" in finance.body
    assert "The assignment for this principle is due Friday 8 January 2027" in finance.body
    spec = SPEC.replace('title = "Programme Responsibilities"', 'title = "Duties & Norms"')
    named = COHORT.replace('name = "CTO Mentor Program - Cohort 12"', 'name = "Cohort <12> & co"')
    renamed = build(spec, named)
    assert renamed.pages[0].title == "Duties & Norms"  # titles are plain text
    assert renamed.settings.name == "Cohort <12> & co"
    # Values placed into HTML are escaped; the spec's own markup is kept.
    spec = spec.replace("<p>The programme runs from", "<p>{cohort.name} runs from")
    assert "<p>Cohort &lt;12&gt; &amp; co runs from" in build(spec, named).pages[0].body


def test_course_settings_come_from_the_cohort_file() -> None:
    s = build().settings
    assert (s.name, s.course_code, s.sis_course_id, s.account_id) == (
        "CTO Mentor Program - Cohort 12",
        "CTOM-12",
        "CTOM-2026-C12",
        1,
    )
    assert s.restrict_enrollments_to_course_dates
    assert s.start_at == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


def test_observer_links_come_from_the_cohort_file_or_from_the_caller() -> None:
    assert [o.key for o in build().observers] == [
        "observer:mentor-001:cand-001",
        "observer:mentor-001:cand-002",
        "observer:mentor-002:cand-003",
    ]
    given = build(pairings=[Pairing("m-9", ("c-1",))])
    assert [(o.mentor_sis_id, o.candidate_sis_id) for o in given.observers] == [("m-9", "c-1")]


def test_the_tool_url_is_built_in_one_place() -> None:
    assert tool_launch_url("https://t.example/", "reflection", "fiscal-management") == (
        "https://t.example/lti/launch?ctom_page=reflection&principle_key=fiscal-management"
    )
    assert (
        tool_launch_url("https://t.example", "home")
        == "https://t.example/lti/launch?ctom_page=home"
    )


def test_expansion_is_deterministic() -> None:
    assert build() == build()


def test_every_placeholder_the_spec_offers_has_a_value() -> None:
    # A template using every placeholder of every scope expands without error.
    every = " ".join(f"{{{n}}}" for n in sorted(GLOBAL_FIELDS | SCOPE_FIELDS["session"]))
    strand = " ".join(
        f"{{{n}}}" for n in sorted(SCOPE_FIELDS["strand"] | SCOPE_FIELDS["principle"])
    )
    spec = SPEC.replace(
        'body = """\n<h2>{principle.name}</h2>', f'body = """\n<h2>{strand}</h2>'
    ).replace(
        "<p>Complete the prerequisite work before session {session.number}",
        f"<p>{every}",
    )
    course = build(spec)
    assert "security-fundamentals" in course.pages[1].body
    pre = next(a for a in course.assignments if a.key == "assignment:session-1-pre-session")
    assert "Sacramento County Office of Education" in pre.description
