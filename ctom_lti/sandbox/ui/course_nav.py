"""A course's left-hand navigation (canvas-lti.md §7.1): the built-in tabs, then the tools' course
navigation tabs the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.platform.tools import navigation_visible, placement_settings, tools_in_course
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.ui.access import CourseRole


@dataclass(frozen=True)
class NavTab:
    label: str
    url: str
    key: str


def nav_tabs(store: Store, course: Course, role: CourseRole) -> list[NavTab]:
    """The course's left-hand navigation: built-in tabs, then visible tool tabs (§7.1)."""
    tabs = [NavTab("Modules", url_for("sandbox_ui.course", course_id=course.id), "modules")]
    if role.can_grade:
        tabs.append(
            NavTab("Gradebook", url_for("sandbox_ui.gradebook", course_id=course.id), "gradebook")
        )
    else:
        tabs.append(NavTab("Grades", url_for("sandbox_ui.grades", course_id=course.id), "grades"))
    for tool in tools_in_course(store, course.id):
        settings = placement_settings(tool, "course_navigation")
        if settings is not None and navigation_visible(settings, role.viewer()):
            tabs.append(
                NavTab(
                    str(settings.get("text") or tool.name),
                    url_for("sandbox_ui.tool_tab", course_id=course.id, tool_id=tool.id),
                    f"tool-{tool.id}",
                )
            )
    return tabs
