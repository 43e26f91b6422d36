"""The Canvas gateway against the sandbox: our DTOs out, our errors out, retries where safe."""

from __future__ import annotations

from typing import Any

import pytest

from ctom_lti.canvas import RetryPolicy, make_canvas_gateway
from ctom_lti.canvas.dto import AssignmentFields, CourseFields, ModuleFields, PageFields
from ctom_lti.canvas.errors import (
    CanvasAuthError,
    CanvasBadRequest,
    CanvasNotFound,
    CanvasUnavailable,
    CanvasWriteUncertain,
)
from ctom_lti.sandbox.knobs import Fault
from ctom_lti.sandbox.server import SandboxServer

from .conftest import fast_gateway


def test_reads_come_back_as_our_types_with_canvas_ids(sandbox: SandboxServer) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("Cohort 1", "C1", sis_course_id="C-1"))
    assert gw.find_course_by_sis("C-1") == course
    assert gw.find_course_by_sis("C-404") is None
    assert course.workflow_state == "unpublished"
    page = gw.create_page(course.id, PageFields("Week 1 - Intro", "<p>Hello</p>"))
    assert (page.url, page.published) == ("week-1-intro", True)
    [listed] = gw.list_pages(course.id)
    assert listed.body == "<p>Hello</p>"
    module = gw.create_module(course.id, ModuleFields("Intro"))
    assert module.published is False  # Canvas creates modules unpublished
    [again] = gw.list_modules(course.id)
    assert (again.id, again.items) == (module.id, ())


def test_pages_of_results_are_followed_to_the_end(sandbox: SandboxServer) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("Big", "B"))
    for n in range(130):
        sandbox.store.add_user(f"U {n}", f"u{n}@x.edu")
        gw.create_page(course.id, PageFields(f"Page {n}", ""))
    sandbox.log.clear()
    assert len(gw.list_pages(course.id)) == 130
    # per_page=100: two requests, the second following Canvas's Link header.
    assert [e.query.count("per_page=100") for e in sandbox.log.reads()] == [1, 1]


def test_canvas_refusals_become_our_errors(sandbox: SandboxServer) -> None:
    bad = make_canvas_gateway(
        sandbox.base_url, "1~wrong-token", retry_policy=RetryPolicy(attempts=1)
    )
    with pytest.raises(CanvasAuthError):
        bad.find_course_by_sis("X")
    gw = fast_gateway(sandbox)
    with pytest.raises(CanvasNotFound):
        gw.get_account(999)
    course = gw.create_course(1, CourseFields("C", "C"))
    with pytest.raises(CanvasBadRequest) as caught:
        gw.create_page(course.id, PageFields("", "x"))
    assert "title" in caught.value.message.lower()
    assert caught.value.canvas_status == 400


def test_failed_reads_are_retried(sandbox: SandboxServer) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("C", "C", sis_course_id="C-2"))
    sandbox.knobs.inject(Fault.ERROR, times=2, method="GET")
    sandbox.knobs.inject(Fault.DROP, times=1, method="GET")
    sandbox.knobs.inject(Fault.THROTTLE, times=1, method="GET")
    before = gw.calls
    assert gw.find_course_by_sis("C-2") == course
    spent = gw.calls - before
    assert (spent.reads, spent.retries, spent.throttled) == (5, 4, 1)


def test_a_create_whose_answer_is_lost_is_not_repeated_blindly(sandbox: SandboxServer) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("C", "C"))
    sandbox.knobs.inject(Fault.ERROR_AFTER, times=1, method="POST")
    with pytest.raises(CanvasWriteUncertain):
        gw.create_module(course.id, ModuleFields("Once"))
    # Canvas did make it; the gateway sent the POST once and left the looking to its caller.
    assert [m.name for m in gw.list_modules(course.id)] == ["Once"]
    # A create that never reached Canvas (throttled) is simply retried.
    sandbox.knobs.inject(Fault.THROTTLE, times=1, method="POST")
    gw.create_module(course.id, ModuleFields("Twice"))
    assert [m.name for m in gw.list_modules(course.id)] == ["Once", "Twice"]


def test_every_request_has_a_timeout(sandbox: SandboxServer) -> None:
    gw = make_canvas_gateway(
        sandbox.base_url,
        sandbox.admin_token,
        timeout=(1.0, 0.05),
        retry_policy=RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.001),
    )
    sandbox.knobs.set(latency_ms=300.0)
    with pytest.raises(CanvasUnavailable) as read:
        gw.find_course_by_sis("anything")
    assert "did not answer" in read.value.message
    with pytest.raises(CanvasWriteUncertain):
        gw.create_course(1, CourseFields("Slow", "S"))


def test_429_throttling_is_retried_too(sandbox: SandboxServer) -> None:
    sandbox.knobs.set(throttle_status=429)
    gw = fast_gateway(sandbox)
    sandbox.knobs.inject(Fault.THROTTLE, times=2)
    course = gw.create_course(1, CourseFields("C", "C"))
    assert course.id in sandbox.store.courses
    assert gw.calls.throttled == 2


def test_the_gradebook_of_a_cohort_is_read_in_a_few_calls(sandbox: SandboxServer, api: Any) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("Cohort", "C"))
    store = sandbox.store
    students = []
    for n in range(150):
        user = store.add_user(f"Candidate {n}", f"c{n}@x.edu", sis_user_id=f"cand-{n}")
        store.enroll(user.id, course.id, "StudentEnrollment")
        students.append(user.id)
    assignments = [
        gw.create_assignment(course.id, AssignmentFields(f"A{n}", points_possible=1.0))
        for n in range(3)
    ]
    unpublished = gw.create_assignment(course.id, AssignmentFields("Draft", published=False))
    for user_id in students[:2]:
        # An instructor marks two candidates complete.
        assert api.put(
            f"courses/{course.id}/assignments/{assignments[0].id}/submissions/{user_id}",
            data={"submission[posted_grade]": "complete"},
        ).ok
    sandbox.log.clear()
    entries = gw.get_gradebook(course.id, [a.id for a in assignments])
    assert len(entries) == 150 * 3
    assert len(sandbox.log.reads()) == 2  # 150 students, 100 per page
    graded = {(e.user_id, e.assignment_id): e for e in entries if e.grade is not None}
    assert set(graded) == {(students[0], assignments[0].id), (students[1], assignments[0].id)}
    entry = graded[(students[0], assignments[0].id)]
    assert (entry.grade, entry.score, entry.workflow_state, entry.sis_user_id) == (
        "complete",
        1.0,
        "graded",
        "cand-0",
    )
    assert unpublished.id not in {e.assignment_id for e in entries}


def test_a_snapshot_reads_the_items_canvas_did_not_inline(sandbox: SandboxServer) -> None:
    from ctom_lti.canvas_sync.desired_objects import CourseSettings
    from ctom_lti.canvas_sync.snapshot import take_snapshot
    from ctom_lti.sandbox import content

    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("C", "C", sis_course_id="LONG"))
    module = gw.create_module(course.id, ModuleFields("Long"))
    gw.create_module(course.id, ModuleFields("Short"))
    for n in range(101):
        content.add_module_item(
            sandbox.store, sandbox.store.modules[module.id], "SubHeader", f"H{n}"
        )
    settings = CourseSettings("C", "C", "LONG", 1, None, None, False, "modules", "UTC", False)
    sandbox.log.clear()
    snapshot = take_snapshot(gw, settings)
    assert [len(m.items or ()) for m in snapshot.modules] == [101, 0]
    assert [m.items[-1].title for m in snapshot.modules[:1] if m.items] == ["H100"]
    # Seven list reads, plus two pages of the long module's items.
    assert len(sandbox.log.reads()) == 7 + 2
