"""Planning the course, the tool, assignment groups, pages and assignments."""

from __future__ import annotations

from collections.abc import Mapping

from ctom_lti.canvas.dto import CanvasAssignment
from ctom_lti.canvas_sync.actions import (
    Blocked,
    Change,
    CreateAssignment,
    CreateCourse,
    CreateGroup,
    CreatePage,
    InstallTool,
    Kind,
    Op,
    Ref,
    UpdateAssignment,
    UpdateCourse,
    UpdateGroup,
    UpdatePage,
)
from ctom_lti.canvas_sync.planner.diffs import assignment_changes, course_changes, page_changes
from ctom_lti.canvas_sync.planner.identity import (
    COURSE_KEY,
    TOOL_KEY,
    digest,
    find_marked,
    find_page,
    tool_matches,
)
from ctom_lti.canvas_sync.planner.ordering import insert_steps
from ctom_lti.canvas_sync.planner.state import PlanState


def plan_course(state: PlanState) -> None:
    want = state.desired.settings
    have = state.snap.course
    if have is None:
        state.add(CreateCourse(Kind.COURSE, COURSE_KEY, want.name, settings=want))
        state.course_deps = (f"{Op.CREATE}:{COURSE_KEY}",)
        return
    state.keep(COURSE_KEY, Ref(have.id))
    changes = course_changes(want, have)
    publish = want.publish and have.workflow_state == "unpublished"
    if changes or publish:
        state.add(
            UpdateCourse(
                Kind.COURSE,
                COURSE_KEY,
                want.name,
                changes=tuple(changes),
                course_id=have.id,
                settings=want,
                publish=publish,
            )
        )
    else:
        state.unchanged.append(COURSE_KEY)


def plan_tool(state: PlanState) -> None:
    want = state.desired.tool
    if not state.desired.uses_tool and not want.client_id:
        return
    found = next((t for t in state.snap.tools if tool_matches(t, want)), None)
    if found is not None:
        state.keep(TOOL_KEY, Ref(found.id))
        state.unchanged.append(TOOL_KEY)
        if not found.course_navigation:
            state.warnings.append(
                f"The tool '{found.name}' has no course navigation placement; enable the "
                "Course Navigation placement on its developer key so the course links to it."
            )
        return
    if want.client_id:
        state.add(
            InstallTool(
                Kind.TOOL,
                TOOL_KEY,
                "CTO Mentor tool",
                client_id=want.client_id,
                deps=state.course_deps,
            )
        )
        return
    state.add(
        Blocked(
            Kind.TOOL,
            TOOL_KEY,
            "CTO Mentor tool",
            reason=(
                f"the tool ({want.base_url}) is not installed in the course or its account; "
                "install it for the account in Canvas, or put its developer key id in the "
                "cohort file as [tool] client_id"
            ),
        )
    )


def plan_groups(state: PlanState) -> None:
    claimed: set[int] = set()
    previous: str | None = None
    for group in state.desired.groups:
        entry = state.mapping.get(group.key)
        found, how = find_marked(state.snap.groups, group.key, group.name, entry, claimed)
        if found is None:
            state.add(
                CreateGroup(
                    Kind.GROUP, group.key, group.name, group=group, deps=state.after(previous)
                )
            )
            # Chained so groups land in the spec's order (the gradebook shows them so).
            previous = group.key
            continue
        claimed.add(found.id)
        state.adopt(Kind.GROUP, group.key, group.name, Ref(found.id), how)
        if found.name != group.name:
            state.add(
                UpdateGroup(
                    Kind.GROUP,
                    group.key,
                    group.name,
                    changes=(Change("name", found.name, group.name),),
                    group_id=found.id,
                    group=group,
                    deps=state.course_deps,
                )
            )
        else:
            state.unchanged.append(group.key)


def plan_pages(state: PlanState) -> None:
    claimed: set[int] = set()
    for page in state.desired.pages:
        entry = state.mapping.get(page.key)
        found, how = find_page(state.snap.pages, page.title, entry, claimed)
        if found is None:
            state.add(
                CreatePage(Kind.PAGE, page.key, page.title, page=page, deps=state.course_deps)
            )
            continue
        claimed.add(found.page_id)
        ref = Ref(found.page_id, found.url)
        changes = page_changes(page, found, entry)
        body_ok = not any(c.field == "body" for c in changes)
        state.adopt(
            Kind.PAGE,
            page.key,
            page.title,
            ref,
            how,
            sent=digest(page.body) if body_ok and found.body is not None else None,
            seen=digest(found.body) if body_ok else None,
        )
        if changes:
            state.add(
                UpdatePage(
                    Kind.PAGE,
                    page.key,
                    page.title,
                    changes=tuple(changes),
                    ref=ref,
                    page=page,
                    deps=state.course_deps,
                )
            )
        else:
            state.unchanged.append(page.key)


def plan_assignments(state: PlanState) -> None:
    claimed: set[int] = set()
    found_for: dict[str, CanvasAssignment] = {}
    for want in state.desired.assignments:
        entry = state.mapping.get(want.key)
        found, how = find_marked(state.snap.assignments, want.key, want.name, entry, claimed)
        if found is None:
            continue
        claimed.add(found.id)
        found_for[want.key] = found
        changes = assignment_changes(want, found, state.known.get(want.group_key), entry)
        body_ok = not any(c.field == "description" for c in changes)
        sent = digest(want.description) if body_ok and found.description is not None else None
        state.adopt(
            Kind.ASSIGNMENT,
            want.key,
            want.name,
            Ref(found.id),
            how,
            sent=sent,
            seen=digest(found.description) if body_ok else None,
        )
        if changes:
            state.add(
                UpdateAssignment(
                    Kind.ASSIGNMENT,
                    want.key,
                    want.name,
                    changes=tuple(changes),
                    assignment_id=found.id,
                    assignment=want,
                    deps=state.after(want.group_key),
                )
            )
        else:
            state.unchanged.append(want.key)
    for group in state.desired.groups:
        _new_assignments(state, group.key, found_for)


def _new_assignments(
    state: PlanState, group_key: str, found_for: Mapping[str, CanvasAssignment]
) -> None:
    """Create a group's missing assignments where the spec puts them, so the gradebook lists
    them in the spec's order."""
    wanted = [a for a in state.desired.assignments if a.group_key == group_key]
    ref = state.known.get(group_key)
    token = {a.id: key for key, a in found_for.items()}
    there = sorted(
        (a for a in state.snap.assignments if ref is not None and a.assignment_group_id == ref.id),
        key=lambda a: (a.position, a.id),
    )
    current = [token.get(a.id, f"#{a.id}") for a in there]
    by_key = {a.key: a for a in wanted}
    last: dict[int, str] = {}
    for step in insert_steps(current, [a.key for a in wanted]):
        want = by_key[step.key]
        action = state.add(
            CreateAssignment(
                Kind.ASSIGNMENT,
                want.key,
                want.name,
                assignment=want,
                position=step.position,
                deps=state.after(want.group_key, last.get(step.chain)),
            )
        )
        last[step.chain] = action.key
