"""The tool and mentor links in a plan: installing the tool, observers for enrolled candidates."""

from __future__ import annotations

from dataclasses import replace

from ctom_lti.canvas.dto import CanvasEnrollment
from ctom_lti.canvas_sync.actions import Blocked, CreateObserver, InstallTool, Kind, Op
from ctom_lti.canvas_sync.desired import observers_for
from ctom_lti.canvas_sync.desired_objects import DesiredTool
from ctom_lti.canvas_sync.planner import plan_sync
from ctom_lti.canvas_sync.planner.identity import tool_matches
from ctom_lti.canvas_sync.snapshot import CourseSnapshot, Scope
from ctom_lti.cohorts import Pairing

from .built import TOOL_URL, built, programme_course, tool
from .plans import check_dependencies, kinds, writes

DESIRED = programme_course()


def test_without_the_tool_the_links_to_it_cannot_be_made() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None), {})
    blocked = [a for a in plan.actions if isinstance(a, Blocked) and a.kind is not Kind.OBSERVER]
    assert blocked[0].kind is Kind.TOOL and blocked[0].fails
    assert "client_id" in blocked[0].reason
    assert len(blocked) == 1 + 16 + 2
    # Everything else is still built.
    assert kinds(plan, Op.CREATE)["item"] == 96 - 18
    check_dependencies(plan)


def test_with_a_client_id_the_tool_is_installed_first() -> None:
    desired = replace(DESIRED, tool=DesiredTool(TOOL_URL, "10000000000042"))
    plan = plan_sync(desired, CourseSnapshot(course=None), {})
    install = [a for a in plan.actions if isinstance(a, InstallTool)]
    assert [a.client_id for a in install] == ["10000000000042"]
    link = next(a for a in plan.actions if a.id == "create:item:mentor-reports")
    assert "create:tool" in link.deps


def test_the_tool_is_recognised_by_developer_key_or_address() -> None:
    want = DesiredTool("https://tool.example.edu", "10000000000042")
    assert tool_matches(tool(url=None, developer_key_id=10000000000042), want)
    assert tool_matches(tool(url=None, developer_key_id=42), want)  # shard-local id
    assert tool_matches(tool(url=None, domain="tool.example.edu"), want)
    assert not tool_matches(tool(url="https://other.example.edu/launch"), want)


def test_mentor_links_are_made_for_enrolled_candidates_only() -> None:
    course = built(DESIRED, students={"cand-001": 31})
    snap = course.snapshot
    plan = plan_sync(DESIRED, snap, course.mapping)
    # cand-001's link exists already; cand-002 and cand-003 are not students yet.
    assert writes(plan) == []
    notes = [a for a in plan.actions if isinstance(a, Blocked)]
    assert [a.key for a in notes] == [
        "observer:mentor-001:cand-002",
        "observer:mentor-002:cand-003",
    ]
    enrolled = replace(
        snap,
        enrollments=(
            *snap.enrollments,
            CanvasEnrollment(900, 32, "StudentEnrollment", "creation_pending", None, "cand-002"),
        ),
    )
    plan = plan_sync(DESIRED, enrolled, course.mapping)
    [create] = plan.writes
    assert isinstance(create, CreateObserver)
    assert (create.observer.mentor_sis_id, create.candidate_user_id) == ("mentor-001", 32)


def test_a_pairing_change_touches_only_the_mentor_links() -> None:
    students = {"cand-001": 31, "cand-002": 32, "cand-003": 33}
    course = built(DESIRED, students=students)
    repaired = replace(
        DESIRED,
        observers=observers_for(
            [Pairing("mentor-001", ("cand-001",)), Pairing("mentor-002", ("cand-003", "cand-002"))]
        ),
    )
    plan = plan_sync(repaired, course.snapshot, course.mapping, scope=Scope.PAIRINGS)
    assert [a.id for a in plan.writes] == ["create:observer:mentor-002:cand-002"]
    assert any("mentor-001" in w and "cand-002" in w and "--prune" in w for w in plan.warnings)
    pruned = plan_sync(repaired, course.snapshot, course.mapping, scope=Scope.PAIRINGS, prune=True)
    assert sorted(a.id for a in pruned.writes) == [
        "create:observer:mentor-002:cand-002",
        "delete:observer:mentor-001:cand-002",
    ]


def test_a_pairings_only_run_needs_the_course_to_exist() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None), {}, scope=Scope.PAIRINGS)
    [blocked] = plan.actions
    assert isinstance(blocked, Blocked)
    assert "run a full sync first" in blocked.reason
