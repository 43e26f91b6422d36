"""Wiki pages (canvas-rest.md §4.7): slugs, ``-2`` suffixes, PUT creates, front page rules."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import wiki_pages
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Page
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.auth import (
    current_user,
    find_course,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_bool,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.render import host
from ctom_lti.sandbox.slugs import titleize
from ctom_lti.sandbox.timestamps import iso, now

bp = Blueprint("pages", __name__)

_EDITING_ROLES = {"teachers", "students", "members", "public"}


def page_json(page: Page, *, with_body: bool) -> dict[str, Any]:
    s = store()
    editor = s.users.get(page.last_edited_by_id) if page.last_edited_by_id else None
    published = page.workflow_state == "active"
    data: dict[str, Any] = {
        "title": page.title,
        "created_at": iso(page.created_at),
        "url": page.url,
        "editing_roles": page.editing_roles,
        "page_id": page.id,
        "last_edited_by": None
        if editor is None
        else {
            "id": editor.id,
            "anonymous_id": format(editor.id, "x"),
            "display_name": editor.short_name,
            "avatar_image_url": f"{host()}/images/messages/avatar-50.png",
            "html_url": f"{host()}/courses/{page.course_id}/users/{editor.id}",
            "pronouns": None,
        },
        "published": published,
        "hide_from_students": not published,
        "front_page": page.front_page,
        "html_url": f"{host()}/courses/{page.course_id}/pages/{page.url}",
        "todo_date": iso(page.todo_date),
        "publish_at": iso(page.publish_at),
        "updated_at": iso(page.updated_at),
        "locked_for_user": False,
    }
    if with_body:
        data["body"] = page.body
    return data


def _page_not_found() -> errors.ApiError:
    # wiki_pages_api_controller renders its own 404 body (§1.2)
    return errors.message("page not found", 404)


def _find(course: Course, url_or_id: str) -> Page:
    page = wiki_pages.find_page(store(), course.id, url_or_id)
    if page is None:
        raise _page_not_found()
    return page


def _title_error(exc: wiki_pages.PageTitleError) -> errors.ApiError:
    return errors.model_errors({"title": [str(exc)]})


def _editing_roles(fields: Params) -> str | None:
    if "editing_roles" not in fields:
        return None
    roles = [r.strip() for r in (opt_str(fields, "editing_roles") or "").split(",") if r.strip()]
    if not roles or any(r not in _EDITING_ROLES for r in roles):
        raise errors.message("Invalid editing_roles")
    return ",".join(roles)


def _apply(page: Page, fields: Params) -> None:
    """Fields other than title that create and update share."""
    s = store()
    if "body" in fields:
        page.body = opt_str(fields, "body")
    roles = _editing_roles(fields)
    if roles:
        page.editing_roles = roles
    if "publish_at" in fields:
        page.publish_at = parse_time(fields["publish_at"], "publish_at")
    if "todo_date" in fields:
        page.todo_date = parse_time(fields["todo_date"], "todo_date")
    if to_bool(fields.get("front_page", False)):
        wiki_pages.set_front_page(s, page)
    elif "front_page" in fields and page.front_page:
        page.front_page = False
    published = opt_bool(fields, "published")
    if published is not None:
        if not published and page.front_page:
            raise errors.model_errors({"published": ["The front page cannot be unpublished"]})
        page.workflow_state = "active" if published else "unpublished"
    page.last_edited_by_id = current_user().id
    page.updated_at = now()


@bp.get("/courses/<course_id>/pages")
def list_pages(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    pages = wiki_pages.course_pages(store(), course.id)
    if term:
        pages = [x for x in pages if term.lower() in x.title.lower()]
    published = opt_bool(p, "published")
    if published is not None:
        pages = [x for x in pages if (x.workflow_state == "active") == published]
    sort = opt_str(p, "sort")
    if sort == "title":
        pages.sort(key=lambda x: (x.title.lower(), x.id))
    elif sort in {"created_at", "updated_at"}:
        pages.sort(key=lambda x: (getattr(x, sort), x.id))
    if opt_str(p, "order") == "desc":
        pages.reverse()
    with_body = "body" in str_list(p.get("include"))
    return paginate(pages, lambda x: page_json(x, with_body=with_body))


# canvas-rest.md §4.7 (create: unpublished by default, -2 suffixes)
@bp.post("/courses/<course_id>/pages")
def create_page(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    fields = section(params(), "wiki_page")
    title = opt_str(fields, "title") or ""
    s = store()
    with s.lock:
        roles = _editing_roles(fields)
        try:
            page = wiki_pages.create_page(
                s,
                course.id,
                title,
                published=to_bool(fields.get("published", False)),
                front_page=to_bool(fields.get("front_page", False)),
                editing_roles=roles or "teachers",
                user_id=current_user().id,
            )
        except wiki_pages.PageTitleError as exc:
            raise _title_error(exc) from None
        _apply(page, fields)
    return jsonify(page_json(page, with_body=True))


@bp.get("/courses/<course_id>/front_page")
def get_front_page(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    page = next((x for x in wiki_pages.course_pages(store(), course.id) if x.front_page), None)
    if page is None:
        raise errors.message("No front page has been set", 404)
    return jsonify(page_json(page, with_body=True))


@bp.get("/courses/<course_id>/pages/<path:url_or_id>")
def get_page(course_id: str, url_or_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    return jsonify(page_json(_find(course, url_or_id), with_body=True))


# canvas-rest.md §4.7 (update; PUT on an unknown slug creates the page)
@bp.put("/courses/<course_id>/pages/<path:url_or_id>")
def update_page(course_id: str, url_or_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    fields = section(params(), "wiki_page")
    s = store()
    with s.lock:
        page = wiki_pages.find_page(s, course.id, url_or_id)
        try:
            if page is None:
                title = opt_str(fields, "title") or titleize(url_or_id)
                page = wiki_pages.create_page(s, course.id, title, user_id=current_user().id)
            elif "title" in fields:
                wiki_pages.retitle_page(s, page, opt_str(fields, "title") or "")
        except wiki_pages.PageTitleError as exc:
            raise _title_error(exc) from None
        _apply(page, fields)
    return jsonify(page_json(page, with_body=True))


@bp.delete("/courses/<course_id>/pages/<path:url_or_id>")
def delete_page(course_id: str, url_or_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    page = _find(course, url_or_id)
    if page.front_page:
        # [I] Canvas refuses to delete the front page; text as in its UI
        raise errors.message("The front page cannot be deleted")
    data = page_json(page, with_body=False)
    s = store()
    with s.lock:
        page.workflow_state = "deleted"
        for item in s.module_items.values():
            if item.type == "Page" and item.content_id == page.id:
                item.workflow_state = "deleted"
    return jsonify(data)
