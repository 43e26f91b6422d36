"""The sync planner: desired course + snapshot + mapping -> ordered actions. Pure.

Identity first (:mod:`.identity`): each desired object is matched to at most one Canvas object.
Only then are fields compared (:mod:`.diffs`). Objects sync did not make are never deleted, and
nothing is deleted without ``prune``; objects sync made that the spec no longer wants are
reported (:mod:`.prune`). Module and item order is planned by :mod:`.ordering`.

Each planning step (:mod:`.content`, :mod:`.modules`, :mod:`.observers`) reads and adds to one
:class:`~.state.PlanState`; :func:`plan_sync` runs them in dependency order.
"""

from __future__ import annotations

from collections.abc import Mapping

from ctom_lti.canvas_sync.actions import Blocked, Kind
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.planner.content import (
    plan_assignments,
    plan_course,
    plan_groups,
    plan_pages,
    plan_tool,
)
from ctom_lti.canvas_sync.planner.identity import COURSE_KEY, MappingEntry
from ctom_lti.canvas_sync.planner.modules import plan_modules
from ctom_lti.canvas_sync.planner.observers import plan_observers
from ctom_lti.canvas_sync.planner.order import course_order
from ctom_lti.canvas_sync.planner.prune import plan_stale_objects
from ctom_lti.canvas_sync.planner.state import Plan, PlanState
from ctom_lti.canvas_sync.snapshot import CourseSnapshot, Scope

__all__ = ["MappingEntry", "Plan", "plan_sync"]


def plan_sync(
    desired: DesiredCourse,
    snapshot: CourseSnapshot,
    mapping: Mapping[str, MappingEntry],
    *,
    prune: bool = False,
    scope: Scope = Scope.FULL,
) -> Plan:
    """Decide what to do to make the course in ``snapshot`` the ``desired`` one. Pure.

    :param mapping: the sync mapping rows for this course, by desired key (empty for a new one).
    :param prune: delete objects sync made that are no longer wanted (never anything else).
    :param scope: ``Scope.PAIRINGS`` plans only the mentor observer links.
    """
    state = PlanState(desired, snapshot, mapping if snapshot.course else {}, prune)
    if scope is Scope.PAIRINGS and snapshot.course is None:
        return Plan(
            actions=(
                Blocked(
                    Kind.COURSE,
                    COURSE_KEY,
                    desired.settings.name,
                    reason=(
                        f"no course has SIS id {desired.settings.sis_course_id}; run a full sync "
                        "first"
                    ),
                ),
            ),
        )
    plan_course(state)
    plan_stale_objects(state, scope)
    if scope is Scope.FULL:
        plan_tool(state)
        plan_groups(state)
        plan_pages(state)
        plan_assignments(state)
        plan_modules(state)
    plan_observers(state)
    return Plan(
        actions=tuple(state.actions),
        known=dict(state.known),
        unchanged=tuple(dict.fromkeys(state.unchanged)),
        warnings=tuple(state.warnings),
        course_id=snapshot.course.id if snapshot.course else None,
        order=course_order(desired),
    )
