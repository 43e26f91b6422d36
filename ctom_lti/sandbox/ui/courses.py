"""Courses as people see them: course list, modules, pages, assignments, submissions, grades.

Items and assignments that are tool links open the tool through ``tool_launches``.
"""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response

from ctom_lti.sandbox.content import course_modules, module_items
from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.platform import placements
from ctom_lti.sandbox.platform.line_items import tool_for_assignment
from ctom_lti.sandbox.ui.access import (
    UiError,
    course_role,
    require_course,
    require_user,
)
from ctom_lti.sandbox.ui.blueprint import bp, page
from ctom_lti.sandbox.ui.course_nav import nav_tabs
from ctom_lti.sandbox.ui.tool_launches import deep_link_tools, launch_page


@bp.get("/courses")
def courses() -> Response:
    store = current_sandbox().store
    user = require_user(store)
    rows = []
    for course in sorted(store.courses.values(), key=lambda c: c.id):
        if course.workflow_state == "deleted":
            continue
        role = course_role(store, user, course)
        if role.can_view:
            rows.append((course, role))
    return page("sandbox_ui/courses.html", rows=rows)


@bp.get("/courses/<int:course_id>")
def course(course_id: int) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    modules = []
    for module in course_modules(store, course.id):
        if module.workflow_state != "active" and not role.can_manage:
            continue
        items = [
            i
            for i in module_items(store, module.id)
            if i.workflow_state == "active" or role.can_manage
        ]
        modules.append((module, items))
    return page(
        "sandbox_ui/course.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="modules",
        modules=modules,
        link_tools=deep_link_tools(store, course, "link_selection") if role.can_manage else [],
        assignment_tools=deep_link_tools(store, course, "assignment_selection")
        if role.can_manage
        else [],
    )


@bp.get("/courses/<int:course_id>/pages/<slug>")
def wiki_page(course_id: int, slug: str) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    found = next(
        (
            p
            for p in store.pages.values()
            if p.course_id == course.id
            and p.workflow_state != "deleted"
            and (p.url == slug or slug in p.old_urls)
        ),
        None,
    )
    if found is None or (found.workflow_state != "active" and not role.can_manage):
        raise UiError("Page not found", "This page does not exist or is not published.", 404)
    return page(
        "sandbox_ui/wiki_page.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="modules",
        wiki=found,
    )


@bp.get("/courses/<int:course_id>/assignments/<int:assignment_id>")
def assignment(course_id: int, assignment_id: int) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    found = store.assignments.get(assignment_id)
    if (
        found is None
        or found.course_id != course.id
        or found.workflow_state == "deleted"
        or (not found.published and not role.can_manage)
    ):
        raise UiError("Assignment not found", "It does not exist or is not published.", 404)
    if tool_for_assignment(store, found) is not None:
        return launch_page(store, user, course, role, placements.assignment(store, course, found))
    submission = store.submission_for(found.id, user.id) if role.is_student else None
    return page(
        "sandbox_ui/assignment.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="modules",
        assignment=found,
        submission=submission,
    )


@bp.get("/courses/<int:course_id>/assignments/<int:assignment_id>/submissions/<int:user_id>")
def submission(course_id: int, assignment_id: int, user_id: int) -> Response:
    """A student's submission page, which a Submission's ``html_url`` names (canvas-rest.md
    §4.10): for that student and the course's teachers."""
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    found = store.assignments.get(assignment_id)
    if (
        found is None
        or found.course_id != course.id
        or not found.published
        or (user.id != user_id and not role.can_manage)
        or user_id not in store.students_of(course.id)
    ):
        raise UiError("Submission not found", "It does not exist or is not yours to see.", 404)
    return page(
        "sandbox_ui/assignment.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="modules",
        assignment=found,
        submission=store.submission_for(found.id, user_id),
    )


@bp.get("/courses/<int:course_id>/modules/items/<int:item_id>")
def module_item(course_id: int, item_id: int) -> Response:
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    item = store.module_items.get(item_id)
    if item is None or item.course_id != course.id or item.workflow_state == "deleted":
        raise UiError("Item not found", "This module item does not exist.", 404)
    if item.workflow_state != "active" and not role.can_manage:
        raise UiError("Item not available", "This module item is not published yet.", 404)
    if item.type == "Assignment" and item.content_id:
        return redirect(
            url_for("sandbox_ui.assignment", course_id=course.id, assignment_id=item.content_id)
        )
    if item.type == "Page" and item.content_id in store.pages:
        slug = store.pages[item.content_id].url
        return redirect(url_for("sandbox_ui.wiki_page", course_id=course.id, slug=slug))
    if item.type == "ExternalUrl" and (item.external_url or "").startswith(("http://", "https://")):
        return redirect(item.external_url or "")
    return launch_page(store, user, course, role, placements.module_item(store, course, item))


@bp.get("/courses/<int:course_id>/grades")
def grades(course_id: int) -> Response:
    """A student's own grades; an observer sees the students they observe (read-only)."""
    store = current_sandbox().store
    user = require_user(store)
    course, role = require_course(store, course_id, user)
    student_ids = [user.id] if role.is_student else list(role.observees)
    published = [
        a
        for a in store.assignments.values()
        if a.course_id == course.id and a.published and a.workflow_state != "deleted"
    ]
    published.sort(key=lambda a: (a.position, a.id))
    rows = [
        (
            store.users[sid],
            [(a, store.submission_for(a.id, sid)) for a in published],
        )
        for sid in student_ids
        if sid in store.users
    ]
    return page(
        "sandbox_ui/grades.html",
        course=course,
        role=role,
        tabs=nav_tabs(store, course, role),
        current_tab="grades",
        rows=rows,
    )
