"""Sync against the sandbox Canvas over real HTTP: build, re-run, hand edits, crashes, faults."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync import Scope
from ctom_lti.canvas_sync.models import SyncMapping, SyncRun

from .conftest import (
    EXAMPLE,
    TOOL_URL,
    SyncSetup,
    add_people,
    describe,
    enroll_candidates,
    expected,
    fast_gateway,
)


def test_a_fresh_course_has_exactly_the_desired_structure(
    setup: SyncSetup, session: Session
) -> None:
    report = setup.run()
    assert report.ok
    desired = setup.desired()
    course_id = setup.course_id()
    assert describe(setup.sandbox.store, course_id) == expected(desired, observers=False)
    # Links into the tool are ExternalTool items for the tool installed in the account.
    tool_id = next(iter(setup.sandbox.store.external_tools))
    links = [i for i in setup.sandbox.store.module_items.values() if i.type == "ExternalTool"]
    assert len(links) == 18 and {i.content_id for i in links} == {tool_id}
    assert {i.external_url for i in links} >= {
        f"{TOOL_URL}/lti/launch?ctom_page=reflection&principle_key=fiscal-management",
        f"{TOOL_URL}/lti/launch?ctom_page=reports",
    }
    course = setup.sandbox.store.courses[course_id]
    assert (course.name, course.course_code) == ("CTO Mentor Program - Cohort 12", "CTOM-12")
    # Writes are exactly the objects made, plus one publish per module (Canvas creates modules
    # unpublished); reads are the lookup of the course and of the account's tools.
    log = setup.sandbox.log
    made = 1 + 6 + 17 + 37 + 8 + 96
    assert report.counts["created"] == made
    assert len(log.writes()) == made + 8
    assert len(log.reads()) == 2
    # Every object made is recorded, and the run with its report.
    assert session.scalar(select(func.count()).select_from(SyncMapping)) == made
    run = session.scalars(select(SyncRun)).one()
    assert (run.status, run.created, run.canvas_course_id) == ("succeeded", made, course_id)
    assert run.report is not None and run.report["counts"]["created"] == made


def test_a_second_run_reads_a_little_and_writes_nothing(setup: SyncSetup) -> None:
    setup.run()
    people = add_people(setup.sandbox.store)
    enroll_candidates(setup.sandbox.store, setup.course_id(), people)
    setup.sandbox.log.clear()
    report = setup.run()
    # Only the mentor links are new, now that the candidates are students.
    assert [e.path for e in setup.sandbox.log.writes()] == [
        f"/api/v1/courses/{setup.course_id()}/enrollments"
    ] * 3
    assert report.counts["created"] == 3
    assert describe(setup.sandbox.store, setup.course_id()) == expected(setup.desired())
    setup.sandbox.log.clear()
    again = setup.run()
    assert setup.sandbox.log.writes() == []
    assert len(setup.sandbox.log.reads()) <= 10
    assert again.ok and again.counts["created"] == again.counts["updated"] == 0
    assert again.counts["unchanged"] == 1 + 1 + 6 + 17 + 37 + 8 + 96 + 3


def test_a_hand_edited_course_converges_and_hand_made_content_stays(
    setup: SyncSetup, api: Any
) -> None:
    setup.run()
    cid = setup.course_id()
    store = setup.sandbox.store
    # An instructor renames an item, deletes a page, unpublishes an assignment and adds a module.
    item = next(i for i in store.module_items.values() if i.title == "Mentor Pairing")
    assert api.put(
        f"courses/{cid}/modules/{item.module_id}/items/{item.id}",
        data={"module_item[title]": "Pairing (draft)"},
    ).ok
    page = next(p for p in store.pages.values() if p.title == "Fiscal Management: Overview")
    assert api.delete(f"courses/{cid}/pages/{page.url}").ok
    survey = next(a for a in store.assignments.values() if a.name == "Programme Feedback Survey")
    assert api.put(
        f"courses/{cid}/assignments/{survey.id}", data={"assignment[published]": "false"}
    ).ok
    extra = api.post(f"courses/{cid}/modules", data={"module[name]": "Instructor notes"}).json()
    assert api.post(
        f"courses/{cid}/modules/{extra['id']}/items",
        data={"module_item[type]": "SubHeader", "module_item[title]": "Read me first"},
    ).ok
    setup.sandbox.log.clear()
    report = setup.run()
    assert report.ok
    assert report.counts["created"] == 2  # the page and its module item
    assert report.counts["updated"] == 2  # the item's title, the survey's state
    after = describe(setup.sandbox.store, cid)
    hand_made = [m for m in after["modules"] if m["name"] == "Instructor notes"]
    assert hand_made == [
        {
            "name": "Instructor notes",
            "published": False,
            "items": [("SubHeader", "Read me first", 0, None, False)],
        }
    ]
    after["modules"] = [m for m in after["modules"] if m["name"] != "Instructor notes"]
    assert after == expected(setup.desired(), observers=False)
    setup.sandbox.log.clear()
    setup.run()
    assert setup.sandbox.log.writes() == []


class _Crash(BaseException):
    """A stand-in for the process dying (not a Canvas error: the runner must not swallow it)."""


class CrashingGateway(CanvasGateway):
    """Works for ``writes`` Canvas writes, then the process "dies"."""

    def __init__(self, base: CanvasGateway, writes: int) -> None:
        super().__init__(
            base._canvas,
            base_url=base.base_url,
            counter=base.counter,
            retry_policy=base.retry_policy,
        )
        self.left = writes

    def _call(self, endpoint: str, fn: Any, *, idempotent: bool = True) -> Any:
        if not endpoint.startswith("GET "):
            with self.counter._lock:
                self.left -= 1
                if self.left < 0:
                    raise _Crash(endpoint)
        return super()._call(endpoint, fn, idempotent=idempotent)


@pytest.mark.parametrize("crash_after", [1, 40, 120])
def test_a_run_that_dies_half_way_is_finished_by_the_next(
    setup: SyncSetup, session: Session, crash_after: int
) -> None:
    with pytest.raises(_Crash):
        setup.run(CrashingGateway(fast_gateway(setup.sandbox), crash_after))
    half = describe(setup.sandbox.store, setup.course_id())
    assert half != expected(setup.desired(), observers=False)
    assert session.scalars(select(SyncRun)).one().status == "interrupted"
    setup.assert_finished_by_next_run()


def test_twenty_percent_faults_leave_the_same_course_without_duplicates(setup: SyncSetup) -> None:
    people = add_people(setup.sandbox.store)
    knobs = setup.sandbox.knobs
    # 5 % each: 5xx before running, throttled, dropped connections, and "ran, then failed".
    knobs.seed(20)
    knobs.set(error_rate=0.05, throttle_rate=0.05, drop_rate=0.05, ambiguous_rate=0.05)
    report = setup.run()
    assert report.ok, report.next_steps
    cid = setup.course_id()
    enroll_candidates(setup.sandbox.store, cid, people)
    assert setup.run().ok
    knobs.set(error_rate=0, throttle_rate=0, drop_rate=0, ambiguous_rate=0)
    faults = setup.sandbox.log.entries(path_prefix="/api/")
    assert sum(1 for e in faults if e.fault in {"error_after", "drop_after"}) > 0
    assert report.api.retries > 0
    assert describe(setup.sandbox.store, cid) == expected(setup.desired())
    setup.sandbox.log.clear()
    setup.run()
    assert setup.sandbox.log.writes() == []


def test_an_unconfirmed_create_is_looked_for_before_it_is_made_again(setup: SyncSetup) -> None:
    from ctom_lti.sandbox.knobs import Fault

    setup.sandbox.knobs.inject(
        Fault.DROP_AFTER, times=1, method="POST", path_prefix="/api/v1/courses/1/pages"
    )
    setup.sandbox.knobs.inject(
        Fault.ERROR_AFTER, times=1, method="POST", path_prefix="/api/v1/courses/1/modules/"
    )
    report = setup.run()
    assert report.ok
    recovered = [a for a in report.actions if "found after an unconfirmed create" in a.detail]
    assert {a.kind for a in recovered} == {"page", "item"}
    setup.assert_course_is_desired()


def test_throttling_slows_sync_down_instead_of_failing_it(setup: SyncSetup) -> None:
    from ctom_lti.sandbox.knobs import Fault

    # A small bucket that each request fills by 2 units and that drains 100 units a second:
    # sync must ease off as X-Rate-Limit-Remaining falls…
    setup.sandbox.knobs.set(throttle_hwm=100.0, throttle_request_cost=2.0, throttle_outflow=100.0)
    # …and wait and retry when Canvas answers 403 Rate Limit Exceeded anyway.
    setup.sandbox.knobs.inject(Fault.THROTTLE, times=3, method="POST")
    report = setup.run()
    assert report.ok
    assert report.api.throttle_pauses > 0
    assert report.api.throttled >= 3
    assert setup.sandbox.log.count(status=403) == report.api.throttled
    setup.assert_course_is_desired()


def test_a_pairing_change_re_syncs_only_those_enrollments(setup: SyncSetup) -> None:
    people = add_people(setup.sandbox.store)
    setup.run()
    enroll_candidates(setup.sandbox.store, setup.course_id(), people)
    setup.run()
    changed = EXAMPLE.replace(
        'mentor_sis_id = "mentor-002"\ncandidate_sis_ids = ["cand-003"]',
        'mentor_sis_id = "mentor-002"\ncandidate_sis_ids = ["cand-003", "cand-002"]',
    ).replace('candidate_sis_ids = ["cand-001", "cand-002"]', 'candidate_sis_ids = ["cand-001"]')
    setup.write_cohort(changed)
    setup.sandbox.log.clear()
    report = setup.run(scope=Scope.PAIRINGS)
    assert [(e.method, e.path.rsplit("/", 1)[-1]) for e in setup.sandbox.log.writes()] == [
        ("POST", "enrollments")
    ]
    assert len(setup.sandbox.log.reads()) == 2  # the course, its enrollments
    assert any("mentor-001" in w and "cand-002" in w for w in report.warnings)
    setup.sandbox.log.clear()
    pruned = setup.run(scope=Scope.PAIRINGS, prune=True)
    assert pruned.counts["deleted"] == 1
    assert describe(setup.sandbox.store, setup.course_id())["observers"] == {
        ("mentor-001", "cand-001"),
        ("mentor-002", "cand-003"),
        ("mentor-002", "cand-002"),
    }


def test_the_tool_is_installed_in_the_course_from_its_developer_key(
    setup: SyncSetup,
) -> None:
    store = setup.sandbox.store
    # Only the developer key exists: nothing is deployed for the account.
    client_id = next(iter(store.table("developer_keys")))
    store.external_tools.clear()
    setup.write_cohort(
        EXAMPLE.replace('# client_id = "10000000000042"', f'client_id = "{client_id}"')
    )
    report = setup.run()
    assert report.ok
    [installed] = store.external_tools.values()
    assert (installed.context_type, installed.context_id) == ("Course", setup.course_id())
    links = [i for i in store.module_items.values() if i.type == "ExternalTool"]
    assert {i.content_id for i in links} == {installed.id}
    setup.sandbox.log.clear()
    setup.run()
    assert setup.sandbox.log.writes() == []


def test_without_the_tool_the_course_is_built_and_the_failure_says_what_to_do(
    setup: SyncSetup,
) -> None:
    setup.sandbox.store.external_tools.clear()
    report = setup.run()
    assert not report.ok
    assert report.counts["failed"] == 1 + 18
    assert any("[tool] client_id" in step for step in report.next_steps)
    assert any("18 items" in step for step in report.next_steps)
    after = describe(setup.sandbox.store, setup.course_id())
    assert sum(len(m["items"]) for m in after["modules"]) == 96 - 18
