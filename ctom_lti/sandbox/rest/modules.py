"""Modules (canvas-rest.md §4.5) and module items (§4.6)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox import content
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.coursework_records import Module, ModuleItem
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.accounts import check_search_term
from ctom_lti.sandbox.rest.auth import find_course, require_manage, require_read, store
from ctom_lti.sandbox.rest.module_item_params import (
    custom_params,
    item_type,
    requirement,
    resolve_content,
)
from ctom_lti.sandbox.rest.module_json import item_json, module_json
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import (
    Params,
    opt_int,
    opt_str,
    params,
    parse_time,
    section,
    str_list,
    to_bool,
)

bp = Blueprint("modules", __name__)

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
    type_ = item_type(raw_type)
    if type_ is None:
        # [I] Canvas answers an unknown type with a 400; the exact text is not in the reference
        raise errors.message("invalid module item type")
    content_id, default_title = resolve_content(course, type_, fields)
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
            completion_requirement=requirement(type_, fields),
            custom_params=custom_params(fields),
        )
    return jsonify(item_json(item))


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
            item.completion_requirement = requirement(item.type, fields)
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
