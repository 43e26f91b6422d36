"""Pruning: what sync deletes once the spec no longer wants it, and what it never deletes."""

from __future__ import annotations

from dataclasses import replace

from ctom_lti.canvas_sync.actions import Delete, Kind
from ctom_lti.canvas_sync.planner import plan_sync

from .built import built, programme_course
from .plans import check_dependencies, writes

DESIRED = programme_course()


def test_objects_sync_made_that_are_no_longer_wanted_are_kept_unless_pruning() -> None:
    course = built(DESIRED)
    smaller = replace(
        DESIRED,
        modules=tuple(m for m in DESIRED.modules if m.key != "module:closing"),
        assignments=tuple(
            a for a in DESIRED.assignments if a.key != "assignment:programme-feedback-survey"
        ),
    )
    kept = plan_sync(smaller, course.snapshot, course.mapping)
    assert writes(kept) == []
    assert any("'Programme Feedback'" in w and "--prune" in w for w in kept.warnings)
    pruned = plan_sync(smaller, course.snapshot, course.mapping, prune=True)
    deletes = [a for a in pruned.writes if isinstance(a, Delete)]
    # The module goes (taking its item with it) and the assignment goes; nothing else.
    assert sorted(a.key for a in deletes) == [
        "assignment:programme-feedback-survey",
        "module:closing",
    ]
    check_dependencies(pruned)


def test_prune_never_deletes_what_sync_adopted_by_name() -> None:
    course = built(DESIRED)
    entry = course.mapping["module:closing"]
    course.mapping["module:closing"] = replace(entry, created_by_sync=False)
    smaller = replace(
        DESIRED, modules=tuple(m for m in DESIRED.modules if m.key != "module:closing")
    )
    plan = plan_sync(smaller, course.snapshot, course.mapping, prune=True)
    assert not [a for a in plan.writes if a.kind is Kind.MODULE]


def test_prune_keeps_a_group_that_still_holds_someone_elses_assignments() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    group = next(g for g in snap.groups if g.name == "Presentations")
    hand_made = replace(
        snap.assignments[0],
        id=9100,
        name="Extra credit",
        assignment_group_id=group.id,
        integration_data={},
    )
    snapshot = replace(snap, assignments=(*snap.assignments, hand_made))
    smaller = replace(
        DESIRED, groups=tuple(g for g in DESIRED.groups if g.key != "group:presentations")
    )
    # (the presentations assignments would move group; only the group's deletion matters here)
    plan = plan_sync(smaller, snapshot, course.mapping, prune=True)
    assert not [a for a in plan.writes if isinstance(a, Delete) and a.kind is Kind.GROUP]
    assert any("still holds" in w for w in plan.warnings)
