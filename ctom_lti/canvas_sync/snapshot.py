"""Read what the cohort's Canvas course looks like now, in a handful of paginated calls.

A full snapshot is seven list reads (course by SIS id, modules with items inlined, pages with
bodies, assignments, assignment groups, student and observer enrollments, external tools), each
``per_page=100``, made concurrently. A course that does not exist yet costs one read plus the
account's tools.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ctom_lti.canvas.dto import (
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasCourse,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasModule,
    CanvasPage,
)
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.desired_objects import CourseSettings

T = TypeVar("T")

STUDENT, OBSERVER = "StudentEnrollment", "ObserverEnrollment"


class Scope(enum.StrEnum):
    """How much of the course a run looks at and changes."""

    FULL = "full"
    #: only mentor observer links (a pairing change re-syncs only these)
    PAIRINGS = "pairings"


@dataclass(frozen=True)
class CourseSnapshot:
    """The course as Canvas reported it at the start of a run."""

    course: CanvasCourse | None
    modules: tuple[CanvasModule, ...] = ()
    pages: tuple[CanvasPage, ...] = ()
    assignments: tuple[CanvasAssignment, ...] = ()
    groups: tuple[CanvasAssignmentGroup, ...] = ()
    #: student and observer enrollments in any live state
    enrollments: tuple[CanvasEnrollment, ...] = ()
    #: tools usable in the course (or in the account, when there is no course yet)
    tools: tuple[CanvasExternalTool, ...] = ()


def take_snapshot(
    gateway: CanvasGateway,
    settings: CourseSettings,
    *,
    scope: Scope = Scope.FULL,
    max_workers: int = 6,
) -> CourseSnapshot:
    """Read the course found by ``settings.sis_course_id`` (reads only, never writes).

    :raises CanvasError: Canvas refused or failed a read (bad token, missing account…).
    """
    course = gateway.find_course_by_sis(settings.sis_course_id)
    if course is None:
        if scope is Scope.PAIRINGS:
            return CourseSnapshot(course=None)
        # Also proves the account exists before the plan promises to create a course in it.
        tools = gateway.list_account_external_tools(settings.account_id)
        return CourseSnapshot(course=None, tools=tuple(tools))
    cid = course.id
    if scope is Scope.PAIRINGS:
        return CourseSnapshot(
            course=course, enrollments=tuple(gateway.list_enrollments(cid, (STUDENT, OBSERVER)))
        )
    reads: dict[str, Callable[[], Any]] = {
        "modules": lambda: gateway.list_modules(cid),
        "pages": lambda: gateway.list_pages(cid),
        "assignments": lambda: gateway.list_assignments(cid),
        "groups": lambda: gateway.list_assignment_groups(cid),
        "enrollments": lambda: gateway.list_enrollments(cid, (STUDENT, OBSERVER)),
        "tools": lambda: gateway.list_external_tools(cid),
    }
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="snapshot") as pool:
        futures = {name: pool.submit(read) for name, read in reads.items()}
        results = {name: future.result() for name, future in futures.items()}
    modules = [_with_items(gateway, cid, m) for m in results["modules"]]
    return CourseSnapshot(
        course=course,
        modules=tuple(sorted(modules, key=lambda m: (m.position, m.id))),
        pages=tuple(results["pages"]),
        assignments=tuple(results["assignments"]),
        groups=tuple(results["groups"]),
        enrollments=tuple(results["enrollments"]),
        tools=tuple(results["tools"]),
    )


def _with_items(gateway: CanvasGateway, course_id: int, module: CanvasModule) -> CanvasModule:
    # Canvas may leave items out of include[]=items when a module has many; read those apart.
    if module.items is not None and len(module.items) >= module.items_count:
        return module
    items = sorted(gateway.list_module_items(course_id, module.id), key=lambda i: i.position)
    return replace(module, items=tuple(items), items_count=len(items))
