"""The pure planner: what sync does to fresh, finished and hand-edited courses."""

from __future__ import annotations

from dataclasses import replace

from ctom_lti.canvas.dto import CanvasModule, CanvasModuleItem
from ctom_lti.canvas_sync.actions import Adopt, Blocked, Kind, Op, UpdateAssignment, UpdatePage
from ctom_lti.canvas_sync.module_actions import CreateItem, MoveItem, PublishModule, UpdateItem
from ctom_lti.canvas_sync.planner import MappingEntry, plan_sync
from ctom_lti.canvas_sync.planner.diffs import rich_text_matches
from ctom_lti.canvas_sync.planner.identity import digest
from ctom_lti.canvas_sync.snapshot import CourseSnapshot

from .built import built, programme_course, tool
from .plans import check_dependencies, kinds, writes

DESIRED = programme_course()


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
