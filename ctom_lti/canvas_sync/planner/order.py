"""Where each desired object sits in the finished course, for showing a plan as people read it.

A plan runs in dependency order, and the runner inserts modules and items at the top in reverse
so that few moves are needed; listed that way, a plan looks scrambled. Read in course order
instead: the course and tool, the assignment groups, then each module followed by its items in
place (a page or assignment just before the first item that shows it), then what no module
shows, then the mentors' observer links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.planner.identity import COURSE_KEY, TOOL_KEY


@dataclass(frozen=True)
class CourseOrder:
    """Reading rank of each desired key, and where a new object ends up in words."""

    rank: Mapping[str, int] = field(default_factory=dict)
    #: e.g. "module 2 of 8", "Page, 3 of 9 in Technology Strand"
    place: Mapping[str, str] = field(default_factory=dict)

    def sort_key(self, key: str, index: int) -> tuple[int, int]:
        """Sort key for the ``index``-th action of a plan, about ``key``: course order first,
        the plan's own order among actions on one object (and for anything not in the course)."""
        return (self.rank.get(key, len(self.rank)), index)


def course_order(desired: DesiredCourse) -> CourseOrder:
    rank: dict[str, int] = {}
    place: dict[str, str] = {}

    def see(key: str | None) -> None:
        if key is not None and key not in rank:
            rank[key] = len(rank)

    see(COURSE_KEY)
    see(TOOL_KEY)
    group_names = {g.key: g.name for g in desired.groups}
    for group in sorted(desired.groups, key=lambda g: g.position):
        see(group.key)
        in_group = [a for a in desired.assignments if a.group_key == group.key]
        for n, assignment in enumerate(in_group, start=1):
            place[assignment.key] = f"{n} of {len(in_group)} in group {group_names[group.key]}"
    modules = desired.modules
    for m, module in enumerate(modules, start=1):
        see(module.key)
        place[module.key] = f"module {m} of {len(modules)}"
        for n, item in enumerate(module.items, start=1):
            see(item.content_key)
            see(item.key)
            place[item.key] = f"{item.type}, {n} of {len(module.items)} in {module.name}"
    for page in desired.pages:
        see(page.key)
    for assignment in desired.assignments:
        see(assignment.key)
    for observer in desired.observers:
        see(observer.key)
    return CourseOrder(rank, place)
