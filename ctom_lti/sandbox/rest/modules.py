"""Modules (canvas-rest.md §4.5) and module items (§4.6)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content, wiki_pages
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.auth import find_course, require_manage, require_read, store
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_float,
    opt_int,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)
from ctom_lti.sandbox.rest.render import api_url, host
from ctom_lti.sandbox.store import Course, Module, ModuleItem, iso

bp = Blueprint("modules", __name__)

#: lower/underscored spellings Canvas accepts for module_item[type] (§4.6)
_TYPE_ALIASES = {
    "file": "File",
    "attachment": "File",
    "page": "Page",
    "wiki_page": "Page",
    "wikipage": "Page",
    "discussion": "Discussion",
    "discussion_topic": "Discussion",
    "discussiontopic": "Discussion",
    "assignment": "Assignment",
    "quiz": "Quiz",
    "subheader": "SubHeader",
    "sub_header": "SubHeader",
    "context_module_sub_header": "SubHeader",
    "externalurl": "ExternalUrl",
    "external_url": "ExternalUrl",
    "externaltool": "ExternalTool",
    "external_tool": "ExternalTool",
    "context_external_tool": "ExternalTool",
}
#: completion requirement types that apply to each item type; others are silently dropped
_REQUIREMENTS = {
    "File": {"must_view"},
    "Page": {"must_view", "must_contribute", "must_mark_done"},
    "Discussion": {"must_view", "must_contribute"},
    "Assignment": {"must_view", "must_submit", "must_contribute", "min_score", "must_mark_done"},
    "Quiz": {"must_view", "must_submit", "min_score"},
    "SubHeader": set(),
    "ExternalUrl": {"must_view"},
    "ExternalTool": {"must_view"},
}


# --- JSON ---------------------------------------------------------------------------------------


def item_json(item: ModuleItem, includes: set[str] | None = None) -> dict[str, Any]:
    """ModuleItem JSON (§4.6): html_url absent for SubHeader; content_id absent for Page,
    SubHeader and ExternalUrl; page_url for Page; external_url + new_tab for links and tools."""
    s = store()
    data: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "position": item.position,
        "indent": item.indent,
        "quiz_lti": False,
        "type": item.type,
        "module_id": item.module_id,
    }
    if item.type != "SubHeader":
        data["html_url"] = f"{host()}/courses/{item.course_id}/modules/items/{item.id}"
    if item.type not in {"Page", "SubHeader", "ExternalUrl"}:
        data["content_id"] = item.content_id
    if item.type == "Page" and item.content_id in s.pages:
        page = s.pages[item.content_id]
        data["page_url"] = page.url
        data["publish_at"] = iso(page.publish_at)
        data["url"] = api_url(f"courses/{item.course_id}/pages/{page.url}")
    elif item.type == "Assignment":
        data["url"] = api_url(f"courses/{item.course_id}/assignments/{item.content_id}")
    elif item.type == "ExternalTool":
        data["url"] = api_url(
            f"courses/{item.course_id}/external_tools/sessionless_launch"
            f"?launch_type=module_item&module_item_id={item.id}"
        )
    if item.type in {"ExternalUrl", "ExternalTool"}:
        data["external_url"] = item.external_url
        data["new_tab"] = item.new_tab
    if item.completion_requirement:
        data["completion_requirement"] = {**item.completion_requirement, "completed": False}
    # content items share their content's state both ways (Canvas syncs tag and asset)
    mirrored = content.content_published(s, item)
    data["published"] = mirrored if mirrored is not None else item.workflow_state == "active"
    data["unpublishable"] = True
    if includes and "content_details" in includes:
        details: dict[str, Any] = {"locked_for_user": False}
        if item.type == "Assignment" and item.content_id in s.assignments:
            a = s.assignments[item.content_id]
            details |= {
                "points_possible": a.points_possible,
                "due_at": iso(a.due_at),
                "unlock_at": iso(a.unlock_at),
                "lock_at": iso(a.lock_at),
            }
        data["content_details"] = details
    return data


def module_json(module: Module, includes: set[str] | None = None) -> dict[str, Any]:
    """Module JSON (§4.5): ``published`` but no ``workflow_state``."""
    includes = includes or set()
    items = content.module_items(store(), module.id)
    data: dict[str, Any] = {
        "id": module.id,
        "name": module.name,
        "position": module.position,
        "unlock_at": iso(module.unlock_at),
        "require_sequential_progress": module.require_sequential_progress,
        "requirement_type": "all",
        "publish_final_grade": module.publish_final_grade,
        "prerequisite_module_ids": list(module.prerequisite_module_ids),
        "published": module.workflow_state == "active",
        "items_count": len(items),
        "items_url": api_url(f"courses/{module.course_id}/modules/{module.id}/items"),
    }
    # items inline only when there are at most 100 of them (§4.5)
    if "items" in includes and len(items) <= 100:
        data["items"] = [item_json(i, includes) for i in items]
    return data


# --- lookups ------------------------------------------------------------------------------------


def _module(course: Course, module_id: int) -> Module:
    module = store().modules.get(module_id)
    if module is None or module.course_id != course.id or module.workflow_state == "deleted":
        raise errors.not_found()
    return module


def _item(module: Module, item_id: int) -> ModuleItem:
    item = store().module_items.get(item_id)
    if item is None or item.module_id != module.id or item.workflow_state == "deleted":
        raise errors.not_found()
    return item


def _includes() -> set[str]:
    return set(str_list(params().get("include")))


# --- modules ------------------------------------------------------------------------------------


@bp.get("/courses/<course_id>/modules")
def list_modules(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    s = store()
    modules = content.course_modules(s, course.id)
    if term:
        t = term.lower()
        modules = [
            m
            for m in modules
            if t in m.name.lower()
            or any(t in i.title.lower() for i in content.module_items(s, m.id))
        ]
    includes = _includes()
    return paginate(modules, lambda m: module_json(m, includes))


@bp.get("/courses/<course_id>/modules/<int:module_id>")
def get_module(course_id: str, module_id: int) -> Response:
    course = find_course(course_id)
    require_read(course)
    return jsonify(module_json(_module(course, module_id), _includes()))


def _module_fields(course: Course, module: Module, fields: Params) -> None:
    s = store()
    if "unlock_at" in fields:
        module.unlock_at = parse_time(fields["unlock_at"], "unlock_at")
    if "require_sequential_progress" in fields:
        module.require_sequential_progress = to_bool(fields["require_sequential_progress"])
    if "publish_final_grade" in fields:
        module.publish_final_grade = to_bool(fields["publish_final_grade"])
    if "prerequisite_module_ids" in fields:
        # only modules positioned before this one count (§4.5)
        earlier = {
            m.id for m in content.course_modules(s, course.id) if m.position < module.position
        }
        wanted = [int(x) for x in str_list(fields["prerequisite_module_ids"]) if x.isdigit()]
        module.prerequisite_module_ids = [m for m in wanted if m in earlier]


# canvas-rest.md §4.5 (create: always unpublished)
@bp.post("/courses/<course_id>/modules")
def create_module(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    if "module" not in p:
        raise errors.message("missing module parameter")
    fields = section(p, "module")
    name = opt_str(fields, "name")
    if not name or not name.strip():
        raise errors.message("missing module name")
    s = store()
    with s.lock:
        module = content.create_module(
            s, course.id, name, position=opt_int(fields, "position", "module[position]")
        )
        _module_fields(course, module, fields)
    return jsonify(module_json(module))


def _set_module_published(module: Module, published: bool, skip_items: bool) -> None:
    s = store()
    module.workflow_state = "active" if published else "unpublished"
    if not skip_items:
        for item in content.module_items(s, module.id):
            content.set_item_published(s, item, published)


# canvas-rest.md §4.5 (update / publish)
@bp.put("/courses/<course_id>/modules/<int:module_id>")
def update_module(course_id: str, module_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    module = _module(course, module_id)
    p = params()
    if "module" not in p:
        raise errors.message("missing module parameter")
    fields = section(p, "module")
    s = store()
    with s.lock:
        if "name" in fields:
            name = opt_str(fields, "name") or ""
            if not name.strip():
                raise errors.model_errors({"name": ["can't be blank"]})
            module.name = name
        position = opt_int(fields, "position", "module[position]")
        if position is not None:
            content.move_module(s, module, position)
        _module_fields(course, module, fields)
        if "published" in fields:
            _set_module_published(
                module, to_bool(fields["published"]), to_bool(fields.get("skip_content_tags", ""))
            )
    data = module_json(module)
    data |= {"publish_warning": False, "unpublish_warning": False}
    return jsonify(data)


@bp.delete("/courses/<course_id>/modules/<int:module_id>")
def delete_module(course_id: str, module_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    module = _module(course, module_id)
    s = store()
    with s.lock:
        data = module_json(module)
        for item in content.module_items(s, module.id):
            item.workflow_state = "deleted"
        module.workflow_state = "deleted"
        for n, other in enumerate(content.course_modules(s, course.id), start=1):
            other.position = n
    data["published"] = False
    return jsonify(data)


# --- items --------------------------------------------------------------------------------------


@bp.get("/courses/<course_id>/modules/<int:module_id>/items")
def list_items(course_id: str, module_id: int) -> Response:
    course = find_course(course_id)
    require_read(course)
    module = _module(course, module_id)
    p = params()
    term = opt_str(p, "search_term")
    check_search_term(term)
    items = content.module_items(store(), module.id)
    if term:
        items = [i for i in items if term.lower() in i.title.lower()]
    includes = _includes()
    return paginate(items, lambda i: item_json(i, includes))


@bp.get("/courses/<course_id>/modules/<int:module_id>/items/<int:item_id>")
def get_item(course_id: str, module_id: int, item_id: int) -> Response:
    course = find_course(course_id)
    require_read(course)
    return jsonify(item_json(_item(_module(course, module_id), item_id), _includes()))


def _requirement(type_: str, fields: Params) -> dict[str, Any] | None:
    req = section(fields, "completion_requirement")
    kind = opt_str(req, "type")
    if not kind or kind not in _REQUIREMENTS.get(type_, set()):
        return None
    result: dict[str, Any] = {"type": kind}
    if kind == "min_score":
        result["min_score"] = opt_float(req, "min_score", "completion_requirement[min_score]")
    return result


def _resolve_content(course: Course, type_: str, fields: Params) -> tuple[int | None, str]:
    """(content id, default title) for a new item, or the 400 Canvas answers (§4.6)."""
    s = store()
    raw_id = opt_str(fields, "content_id")
    if type_ == "Page":
        page_url = opt_str(fields, "page_url")
        page = None
        if page_url:
            page = wiki_pages.find_page(s, course.id, page_url)
            if page is None:
                raise errors.message("invalid page_url parameter")
        elif raw_id and raw_id.isdigit():
            page = s.pages.get(int(raw_id))
            if page is None or page.course_id != course.id or page.workflow_state == "deleted":
                raise errors.message("Could not find content")
        else:
            raise errors.message("missing page_url parameter")
        return page.id, page.title
    if type_ in {"SubHeader", "ExternalUrl"}:
        return None, ""
    if type_ == "ExternalTool":
        return _resolve_tool(course, raw_id, opt_str(fields, "external_url")), ""
    if not raw_id or not raw_id.isdigit():
        raise errors.message("Could not find content")
    if type_ == "Assignment":
        a = s.assignments.get(int(raw_id))
        if a is None or a.course_id != course.id or a.workflow_state == "deleted":
            raise errors.message("Could not find content")
        return a.id, a.name
    # Files, discussions and quizzes are outside the sandbox's subset: never found.
    raise errors.message("Could not find content")


def _resolve_tool(course: Course, raw_id: str | None, url: str | None) -> int:
    """The tool by id, else by the launch URL's domain; 0 when none matches (§4.6)."""
    tools = store().tools_for_course(course.id)
    if raw_id and raw_id.isdigit():
        for tool in tools:
            if tool.id == int(raw_id):
                return tool.id
    if url:
        host_name = urlsplit(url).hostname or ""
        for tool in tools:
            tool_host = tool.domain or (urlsplit(tool.url).hostname if tool.url else None)
            if tool_host and (host_name == tool_host or host_name.endswith("." + tool_host)):
                return tool.id
    return 0


# canvas-rest.md §4.6 (create: validation messages and publish rules)
@bp.post("/courses/<course_id>/modules/<int:module_id>/items")
def create_item(course_id: str, module_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    module = _module(course, module_id)
    p = params()
    if "module_item" not in p:
        raise errors.message("missing module item parameter")
    fields = section(p, "module_item")
    raw_type = opt_str(fields, "type") or ""
    type_ = raw_type if raw_type in _REQUIREMENTS else _TYPE_ALIASES.get(raw_type.lower())
    if type_ is None:
        # [I] Canvas answers an unknown type with a 400; the exact text is not in the reference
        raise errors.message("invalid module item type")
    content_id, default_title = _resolve_content(course, type_, fields)
    title = opt_str(fields, "title") or default_title
    external_url = opt_str(fields, "external_url")
    if type_ in {"ExternalUrl", "ExternalTool"} and not external_url:
        raise errors.model_errors({"url": ["can't be blank"]})
    if type_ in {"SubHeader", "ExternalUrl", "ExternalTool"} and not title.strip():
        raise errors.model_errors({"title": ["can't be blank"]})
    s = store()
    with s.lock:
        item = content.add_module_item(
            s,
            module,
            type_,
            title,
            position=opt_int(fields, "position", "module_item[position]"),
            content_id=content_id,
            indent=opt_int(fields, "indent", "module_item[indent]") or 0,
            external_url=external_url,
            new_tab=to_bool(fields.get("new_tab", False)),
            completion_requirement=_requirement(type_, fields),
            custom_params=_custom_params(fields),
        )
    return jsonify(item_json(item))


def _custom_params(fields: Params) -> dict[str, str] | None:
    raw = fields.get("custom_params")
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else None


# canvas-rest.md §4.6 (update, publish, move)
@bp.put("/courses/<course_id>/modules/<int:module_id>/items/<int:item_id>")
def update_item(course_id: str, module_id: int, item_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    item = _item(_module(course, module_id), item_id)
    p = params()
    if "module_item" not in p:
        raise errors.message("missing module item parameter")
    fields = section(p, "module_item")
    s = store()
    with s.lock:
        if "title" in fields:
            title = opt_str(fields, "title") or ""
            if not title.strip():
                raise errors.model_errors({"title": ["can't be blank"]})
            item.title = title
        if "indent" in fields:
            item.indent = opt_int(fields, "indent", "module_item[indent]") or 0
        if "external_url" in fields and item.type in {"ExternalUrl", "ExternalTool"}:
            url = opt_str(fields, "external_url")
            if not url:
                raise errors.model_errors({"url": ["can't be blank"]})
            item.external_url = url
        if "new_tab" in fields:
            item.new_tab = to_bool(fields["new_tab"])
        if "completion_requirement" in fields:
            item.completion_requirement = _requirement(item.type, fields)
        target = item.module_id
        if "module_id" in fields:
            target = _module(course, opt_int(fields, "module_id", "module_item[module_id]") or 0).id
        position = opt_int(fields, "position", "module_item[position]")
        if target != item.module_id or position is not None:
            content.move_module_item(s, item, target, position)
        if "published" in fields:
            content.set_item_published(s, item, to_bool(fields["published"]))
    return jsonify(item_json(item))


@bp.delete("/courses/<course_id>/modules/<int:module_id>/items/<int:item_id>")
def delete_item(course_id: str, module_id: int, item_id: int) -> Response:
    course = find_course(course_id)
    require_manage(course)
    module = _module(course, module_id)
    item = _item(module, item_id)
    s = store()
    with s.lock:
        data = item_json(item)
        item.workflow_state = "deleted"
        for n, other in enumerate(content.module_items(s, module.id), start=1):
            other.position = n
    data["published"] = False
    return jsonify(data)
