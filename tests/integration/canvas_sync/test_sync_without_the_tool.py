"""A course built for one tool address, synced again naming another the course cannot find.

This is what happens after ``ctom-lti demo`` when the demo's cohort file is synced with a
different tool address: the links into the tool exist, want a new URL, and the tool for that
URL is not installed. Nothing crashes; those updates are reported as blocked, with what to do.
"""

from __future__ import annotations

from ctom_lti.canvas_sync import sync_course
from ctom_lti.db import session_scope

from .conftest import SyncSetup, describe, fast_gateway

OTHER_TOOL_URL = "http://localhost:5999"


def test_tool_links_that_need_a_missing_tool_are_blocked_not_a_crash(setup: SyncSetup) -> None:
    assert setup.run().ok
    before = describe(setup.sandbox.store, setup.course_id())
    setup.sandbox.log.clear()
    with session_scope(setup.app) as session:
        report = sync_course(
            session, fast_gateway(setup.sandbox), setup.cohort, tool_base_url=OTHER_TOOL_URL
        )
    assert not report.ok
    blocked = [a for a in report.actions if a.status == "blocked"]
    tool_rows = [a for a in blocked if a.kind == "tool"]
    item_rows = [a for a in blocked if a.kind == "item"]
    assert len(tool_rows) == 1 and OTHER_TOOL_URL in (tool_rows[0].error or "")
    assert len(item_rows) == 18
    assert all("needs the tool" in (a.error or "") for a in item_rows)
    assert any("[tool] client_id" in step for step in report.next_steps)
    assert any("18 items" in step for step in report.next_steps)
    # The links into the tool were left as they were.
    assert describe(setup.sandbox.store, setup.course_id()) == before
