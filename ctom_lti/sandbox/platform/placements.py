"""What each kind of launch sends: course navigation, module item, assignment, deep linking.

canvas-lti.md §1.3 and §4.2: navigation placements use the course's opaque id as the resource
link id; assignments and module items use their resource link UUID, and an assignment bound to
one line item adds ``lineitem`` to the AGS claim.
"""

from __future__ import annotations

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Assignment, ModuleItem
from ctom_lti.sandbox.platform.deep_linking_placements import PLACEMENTS, deep_linking_settings
from ctom_lti.sandbox.platform.launch_spec import LaunchSpec
from ctom_lti.sandbox.platform.launches import LaunchRefused
from ctom_lti.sandbox.platform.line_items import ensure_coupled_line_item, tool_for_assignment
from ctom_lti.sandbox.platform.resource_links import link_for_assignment, link_for_module_item
from ctom_lti.sandbox.platform.tools import find_tool_for_url, placement_settings, tool_in_course
from ctom_lti.sandbox.store import Store


def course_navigation(store: Store, course: Course, tool_id: int) -> LaunchSpec:
    tool = tool_in_course(store, course.id, tool_id)
    if tool is None:
        raise LaunchRefused("That tool is not installed in this course.", 404)
    settings = placement_settings(tool, "course_navigation")
    if settings is None:
        raise LaunchRefused(f"{tool.name} has no course navigation placement.", 404)
    return LaunchSpec(
        tool=tool,
        message_type=settings.get("message_type") or "LtiResourceLinkRequest",
        placement="course_navigation",
        target_link_uri=settings.get("target_link_uri") or tool.url or "",
        course=course,
        resource_link={
            "id": store.opaque_id(f"course_{course.id}"),
            "title": course.name,
            "description": None,
        },
        custom_fields=dict(settings.get("custom_fields") or {}),
    )


def module_item(store: Store, course: Course, item: ModuleItem) -> LaunchSpec:
    """An ExternalTool module item (an Assignment item launches its assignment instead)."""
    if item.type == "Assignment" and item.content_id in store.assignments:
        return assignment(store, course, store.assignments[item.content_id])
    if item.type != "ExternalTool":
        raise LaunchRefused("That module item does not launch a tool.", 400)
    tool = find_tool_for_url(store, course.id, item.external_url, item.content_id)
    if tool is None:
        raise LaunchRefused("No installed tool matches this item's URL.", 404)
    link = link_for_module_item(store, item, tool)
    # Module item launches carry no placement name [inferred: Canvas sends null for them].
    return LaunchSpec(
        tool=tool,
        message_type="LtiResourceLinkRequest",
        placement=None,
        target_link_uri=item.external_url or tool.url or "",
        course=course,
        resource_link={"id": link.id, "title": item.title, "description": None},
        link_custom=dict(link.custom),
    )


def assignment(store: Store, course: Course, assignment: Assignment) -> LaunchSpec:
    tool = tool_for_assignment(store, assignment)
    if tool is None:
        raise LaunchRefused("This assignment does not launch an installed tool.", 404)
    link = link_for_assignment(store, assignment, tool)
    line_item = ensure_coupled_line_item(store, assignment, tool)
    return LaunchSpec(
        tool=tool,
        message_type="LtiResourceLinkRequest",
        placement=None,
        target_link_uri=assignment.external_tool_url or tool.url or "",
        course=course,
        resource_link={
            "id": link.id,
            "title": assignment.name,
            "description": assignment.description,
        },
        assignment=assignment,
        line_item_id=line_item.id,
        link_custom=dict(link.custom),
    )


def deep_linking(
    store: Store,
    base_url: str,
    course: Course,
    tool_id: int,
    placement: str,
    *,
    module_id: int | None = None,
    assignment_id: int | None = None,
) -> LaunchSpec:
    tool = tool_in_course(store, course.id, tool_id)
    if tool is None:
        raise LaunchRefused("That tool is not installed in this course.", 404)
    settings = placement_settings(tool, placement)
    if (
        placement not in PLACEMENTS
        or settings is None
        or settings.get("message_type") != "LtiDeepLinkingRequest"
    ):
        raise LaunchRefused(f"{tool.name} offers no deep linking from {placement}.", 404)
    return LaunchSpec(
        tool=tool,
        message_type="LtiDeepLinkingRequest",
        placement=placement,
        target_link_uri=settings.get("target_link_uri") or tool.url or "",
        course=course,
        deep_linking_settings=deep_linking_settings(
            store,
            base_url,
            course.id,
            tool,
            placement,
            module_id=module_id,
            assignment_id=assignment_id,
        ),
        custom_fields=dict(settings.get("custom_fields") or {}),
        selection_height=settings.get("selection_height"),
        selection_width=settings.get("selection_width"),
    )
