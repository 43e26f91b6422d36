"""Tools opened from a course: the course navigation tab, the content picker (deep linking) and the
launch page every tool launch renders.

A tool opens the way Canvas opens it (canvas-lti.md §2): the page holds the tool's iframe
(``tool_content``), the hidden Platform Storage frame (``post_message_forwarding``, §8) and a
hidden form that POSTs the third-party-initiated login into the iframe."""

from __future__ import annotations

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.course_records import Course, ExternalTool
from ctom_lti.sandbox.platform import placements
from ctom_lti.sandbox.platform.launch_spec import LaunchSpec
from ctom_lti.sandbox.platform.launches import prepare_launch
from ctom_lti.sandbox.platform.tools import navigation_visible, placement_settings, tools_in_course
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.ui.access import CourseRole, UiError, require_course, require_user
from ctom_lti.sandbox.ui.blueprint import bp, page
from ctom_lti.sandbox.ui.course_nav import nav_tabs


def deep_link_tools(store: Store, course: Course, placement: str) -> list[ExternalTool]:
    found = []
    for tool in tools_in_course(store, course.id):
        settings = placement_settings(tool, placement)
        if settings and settings.get("message_type") == "LtiDeepLinkingRequest":
            found.append(tool)
    return found


@bp.get("/courses/<int:course_id>/external_tools/<int:tool_id>")
def tool_tab(course_id: int, tool_id: int) -> Response:
    """A course navigation tab: Canvas's ``/courses/:id/external_tools/:tool_id``."""
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    spec = placements.course_navigation(store, course, tool_id)
    settings = placement_settings(spec.tool, "course_navigation") or {}
    if not navigation_visible(settings, role.viewer()):
        raise UiError("Not available", f"{spec.tool.name} is not shown to you here.", 403)
    return launch_page(store, user, course, role, spec, current_tab=f"tool-{tool_id}")


@bp.get("/courses/<int:course_id>/external_tools/<int:tool_id>/deep_link")
def deep_link(course_id: int, tool_id: int) -> Response:
    """Open a tool's content picker (link_selection or assignment_selection, §4.3)."""
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    if not role.can_manage:
        raise UiError("Not allowed", "Only teachers and designers add content from tools.", 403)
    placement = request.args.get("placement", "link_selection")
    module_id = request.args.get("module_id", type=int)
    assignment_id = request.args.get("assignment_id", type=int)
    base = request.host_url.rstrip("/")
    spec = placements.deep_linking(
        store, base, course, tool_id, placement, module_id=module_id, assignment_id=assignment_id
    )
    return launch_page(store, user, course, role, spec)


@bp.get("/courses/<int:course_id>/external_content/success/external_tool_redirect")
def return_url(course_id: int) -> Response:
    """The launch's ``return_url``: back to the course."""
    return redirect(url_for("sandbox_ui.course", course_id=course_id))


def launch_page(
    store: Store,
    user: User,
    course: Course,
    role: CourseRole,
    spec: LaunchSpec,
    *,
    current_tab: str = "modules",
) -> Response:
    login = prepare_launch(store, spec, user, request.host_url.rstrip("/"))
    settings = placement_settings(spec.tool, spec.placement or "") or {}
    return page(
        "sandbox_ui/launch.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab=current_tab,
        login=login,
        title=settings.get("text") or spec.tool.name,
        height=spec.selection_height or 720,
    )
