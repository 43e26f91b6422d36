"""The pure planner: what sync does to fresh, finished, hand-edited and half-built courses."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import replace

import pytest

from ctom_lti.canvas.dto import CanvasEnrollment, CanvasModule, CanvasModuleItem
from ctom_lti.canvas_sync.actions import (
    Adopt,
    Blocked,
    CreateAssignment,
    CreateObserver,
    Delete,
    InstallTool,
    Kind,
    Op,
    UpdateAssignment,
    UpdatePage,
)
from ctom_lti.canvas_sync.desired import DesiredTool, observers_for
from ctom_lti.canvas_sync.module_actions import CreateItem, MoveItem, PublishModule, UpdateItem
from ctom_lti.canvas_sync.planner import MappingEntry, Plan, plan_sync
from ctom_lti.canvas_sync.planner.diffs import rich_text_matches
from ctom_lti.canvas_sync.planner.identity import digest, tool_matches
from ctom_lti.canvas_sync.planner.ordering import order_steps
from ctom_lti.canvas_sync.snapshot import CourseSnapshot, Scope
from ctom_lti.cohorts import Pairing

from .built import TOOL_URL, built, programme_course, tool

DESIRED = programme_course()


def kinds(plan: Plan, op: Op) -> Counter[str]:
    return Counter(a.kind.value for a in plan.actions if a.op is op)


def writes(plan: Plan) -> list[str]:
    return [a.id for a in plan.writes]


def check_dependencies(plan: Plan) -> None:
    """Every dependency is an earlier action of the plan (so the plan can run, and has no cycle)."""
    seen: set[str] = set()
    for action in plan.actions:
        assert set(action.deps) <= seen, (action.id, set(action.deps) - seen)
        seen.add(action.id)


# --- fresh and finished courses -----------------------------------------------------------------


def test_a_fresh_course_is_created_whole() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None, tools=(tool(),)), {})
    assert kinds(plan, Op.CREATE) == {
        "course": 1,
        "group": 6,
        "page": 17,
        "assignment": 37,
        "module": 8,
        "item": 96,
    }
    # Modules are created unpublished by Canvas; each is published once, with its items.
    assert kinds(plan, Op.PUBLISH) == {"module": 8}
    assert not kinds(plan, Op.UPDATE) and not kinds(plan, Op.DELETE)
    # No student is enrolled yet, so the mentor links wait for a later run (a note, not a failure).
    blocked = [a for a in plan.actions if isinstance(a, Blocked)]
    assert [a.kind for a in blocked] == [Kind.OBSERVER] * 3
    assert not any(a.fails for a in blocked)
    check_dependencies(plan)


def test_everything_waits_for_the_new_course_and_items_for_their_content() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None, tools=(tool(),)), {})
    by_id = {a.id: a for a in plan.actions}
    for action in plan.actions[1:]:
        if action.writes:
            assert "create:course" in action.deps, action.id
    item = by_id["create:item:principle-fiscal-management-assignment"]
    assert "create:assignment:principle-fiscal-management-assignment" in item.deps
    assert "create:module:strand-leadership" in item.deps
    assignment = by_id["create:assignment:principle-fiscal-management-assignment"]
    assert "create:group:strand-leadership" in assignment.deps
    publish = by_id["publish:module:strand-leadership"]
    leadership_items = [
        a.id for a in plan.actions if isinstance(a, CreateItem) and a.module_key == publish.key
    ]
    assert len(leadership_items) == 28
    assert set(leadership_items) <= set(publish.deps)


def test_a_finished_course_needs_no_writes() -> None:
    course = built(DESIRED, students={"cand-001": 31, "cand-002": 32, "cand-003": 33})
    plan = plan_sync(DESIRED, course.snapshot, course.mapping)
    assert writes(plan) == []
    assert not [a for a in plan.actions if isinstance(a, Adopt)]
    assert len(plan.unchanged) == 1 + 1 + 6 + 17 + 37 + 8 + 96 + 3


def test_a_course_built_before_the_mapping_existed_is_adopted_not_rebuilt() -> None:
    course = built(DESIRED).without_mapping()
    plan = plan_sync(DESIRED, course.snapshot, course.mapping)
    assert writes(plan) == []
    adopted = {a.key: a for a in plan.actions if isinstance(a, Adopt)}
    assert len(adopted) == 6 + 17 + 37 + 8 + 96
    # Sync's own mark proves it made groups and assignments; a matching name proves nothing.
    assert adopted["group:programme"].how == "marked"
    assert adopted["group:programme"].created_by_sync
    assert adopted["assignment:code-of-ethics"].created_by_sync
    assert adopted["page:responsibilities"].how == "named"
    assert not adopted["page:responsibilities"].created_by_sync
    assert not adopted["module:overview"].created_by_sync


# --- hand edits -----------------------------------------------------------------------------------


def edit_item(snapshot: CourseSnapshot, which: str, **changes: object) -> CourseSnapshot:
    modules = []
    for m in snapshot.modules:
        items = tuple(replace(i, **changes) if i.title == which else i for i in m.items or ())  # type: ignore[arg-type]
        modules.append(replace(m, items=items))
    return replace(snapshot, modules=tuple(modules))


def test_a_renamed_item_is_renamed_back_and_nothing_else_changes() -> None:
    course = built(DESIRED)
    snapshot = edit_item(course.snapshot, "Mentor Pairing", title="Pairing (old)")
    plan = plan_sync(DESIRED, snapshot, course.mapping)
    [update] = plan.writes
    assert isinstance(update, UpdateItem)
    assert update.key == "item:mentor-pairing"
    assert [(c.field, c.old, c.new) for c in update.changes] == [
        ("title", "Pairing (old)", "Mentor Pairing")
    ]


def test_a_deleted_page_is_made_again_with_its_item_in_its_place() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    gone = next(p for p in snap.pages if p.title == "Infrastructure: Overview")
    modules = tuple(
        replace(
            m,
            items=tuple(
                replace(i, position=n)
                for n, i in enumerate((i for i in m.items or () if i.page_url != gone.url), 1)
            ),
        )
        for m in snap.modules
    )
    snapshot = replace(snap, pages=tuple(p for p in snap.pages if p != gone), modules=modules)
    plan = plan_sync(DESIRED, snapshot, course.mapping)
    assert [a.id for a in plan.writes] == [
        "create:page:principle-infrastructure-overview",
        "create:item:principle-infrastructure-overview",
    ]
    create_item = plan.writes[1]
    assert isinstance(create_item, CreateItem)
    # Right after the infrastructure sub-header, the 5th item of the technology module.
    assert create_item.position == 6
    assert "create:page:principle-infrastructure-overview" in create_item.deps


def test_a_hand_made_module_and_item_are_left_alone() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    extra = CanvasModule(9001, "Instructor notes", 1, True, (), 0)
    shifted = tuple(replace(m, position=m.position + 1) for m in snap.modules)
    overview = shifted[0]
    note = CanvasModuleItem(9002, overview.id, 2, "Welcome video", "ExternalUrl")
    items = [
        i if i.position < 2 else replace(i, position=i.position + 1) for i in overview.items or ()
    ]
    overview = replace(overview, items=(*items, note))
    snapshot = replace(snap, modules=(extra, overview, *shifted[1:]))
    plan = plan_sync(DESIRED, snapshot, course.mapping, prune=True)
    assert writes(plan) == []
    assert not plan.warnings


def test_items_moved_by_hand_are_put_back_with_the_fewest_moves() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    sessions = next(m for m in snap.modules if m.name == "Sessions")
    items = list(sessions.items or ())
    # The last item was dragged to the top.
    reordered = [items[-1], *items[:-1]]
    moved = replace(
        sessions, items=tuple(replace(i, position=n) for n, i in enumerate(reordered, 1))
    )
    snapshot = replace(snap, modules=tuple(moved if m is sessions else m for m in snap.modules))
    plan = plan_sync(DESIRED, snapshot, course.mapping)
    [move] = plan.writes
    assert isinstance(move, MoveItem)
    assert (move.key, move.position) == ("item:session-8-attendance", 24)


def test_an_unpublished_sub_header_is_republished_through_its_module() -> None:
    course = built(DESIRED)
    snapshot = edit_item(course.snapshot, "1. Security Fundamentals", published=False)
    plan = plan_sync(DESIRED, snapshot, course.mapping)
    [publish] = plan.writes
    assert isinstance(publish, PublishModule)
    assert publish.module_key == "module:strand-technology"
    assert not publish.skip_content_tags


def test_a_changed_assignment_is_updated_field_by_field() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    changed = tuple(
        replace(a, points_possible=10.0, published=False)
        if a.name == "Final Oral Presentation"
        else a
        for a in snap.assignments
    )
    plan = plan_sync(DESIRED, replace(snap, assignments=changed), course.mapping)
    [update] = plan.writes
    assert isinstance(update, UpdateAssignment)
    assert update.fields == {"points_possible", "published"}


# --- rich text ------------------------------------------------------------------------------------


def test_rich_text_that_canvas_reformatted_is_not_rewritten() -> None:
    entry = MappingEntry("page:x", "page", 1, True, sent_digest=None, seen_digest=None)
    assert rich_text_matches("<p>a</p>\n<p>b</p>", "<p>a</p> <p>b</p>", None)
    assert not rich_text_matches("<p>a</p>", "<p>b</p>", entry)
    # Canvas sanitised what sync sent; nobody has changed it since.
    sent = MappingEntry("page:x", "page", 1, True, digest("<p>a</p>"), digest('<p class="x">a</p>'))
    assert rich_text_matches("<p>a</p>", '<p class="x">a</p>', sent)
    # …but a hand edit after that is put back.
    assert not rich_text_matches("<p>a</p>", '<p class="x">edited</p>', sent)


def test_a_hand_edited_page_body_is_restored() -> None:
    course = built(DESIRED)
    snap = course.snapshot
    pages = tuple(
        replace(p, body="<p>My notes</p>") if p.title == "Programme Responsibilities" else p
        for p in snap.pages
    )
    plan = plan_sync(DESIRED, replace(snap, pages=pages), course.mapping)
    [update] = plan.writes
    assert isinstance(update, UpdatePage)
    assert update.fields == {"body"}


# --- prune ----------------------------------------------------------------------------------------


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


# --- tool and observers ---------------------------------------------------------------------------


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


# --- ordering -------------------------------------------------------------------------------------


def canvas_insert(order: list[str], key: str, position: int | None) -> None:
    """What Canvas does with ``position`` on create/move: take out, put at position (or end)."""
    if key in order:
        order.remove(key)
    index = len(order) if position is None else max(0, min(len(order), position - 1))
    order.insert(index, key)


@pytest.mark.parametrize("seed", range(40))
def test_order_steps_give_the_desired_order_around_foreign_objects(seed: int) -> None:
    rng = random.Random(seed)
    desired = [f"k{i}" for i in range(rng.randint(1, 12))]
    present = rng.sample(desired, rng.randint(0, len(desired)))
    foreign = [f"#f{i}" for i in range(rng.randint(0, 4))]
    current = present + foreign
    rng.shuffle(current)
    order = list(current)
    steps = order_steps(current, desired)
    for step in steps:
        canvas_insert(order, step.key, step.position)
    assert [k for k in order if k in desired] == desired
    # Foreign objects keep their relative order; nothing is moved that was already in place.
    assert [k for k in order if k.startswith("#")] == [k for k in current if k.startswith("#")]
    assert sum(1 for s in steps if s.op is Op.MOVE) <= len(present)


def test_an_empty_container_is_filled_from_both_ends_in_any_interleaving() -> None:
    desired = [f"k{i}" for i in range(7)]
    steps = order_steps([], desired)
    chains = [[s for s in steps if s.chain == c] for c in (0, 1)]
    assert [len(c) for c in chains] == [4, 3]
    # Whatever order Canvas handles the two chains' requests in, the result is the same.
    for pattern in itertools.product((0, 1), repeat=len(desired)):
        if pattern.count(0) != len(chains[0]):
            continue
        order: list[str] = []
        queues = [list(c) for c in chains]
        for chain in pattern:
            step = queues[chain].pop(0)
            canvas_insert(order, step.key, step.position)
        assert order == desired


def test_a_full_plan_fills_fresh_modules_from_both_ends() -> None:
    plan = plan_sync(DESIRED, CourseSnapshot(course=None, tools=(tool(),)), {})
    items = [
        a for a in plan.actions if isinstance(a, CreateItem) and a.module_key == "module:sessions"
    ]
    assert len(items) == 24
    front = [a for a in items if a.position == 1]
    back = [a for a in items if a.position is None]
    assert len(front) == 12 and len(back) == 12
    assignments = [
        a
        for a in plan.actions
        if isinstance(a, CreateAssignment) and a.assignment.group_key == "group:sessions"
    ]
    assert {a.position for a in assignments} == {1, None}
