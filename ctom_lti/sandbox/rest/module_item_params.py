"""The ``module_item[...]`` parameters of a create or update (canvas-rest.md §4.6): the item
type in any spelling Canvas accepts, its completion requirement, and the content or tool it shows
(or the 400 Canvas answers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ctom_lti.sandbox import wiki_pages
from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.params import Params, opt_float, opt_str, section

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


def item_type(raw_type: str) -> str | None:
    """The API name of ``module_item[type]``, or None when Canvas knows no such type."""
    return raw_type if raw_type in _REQUIREMENTS else _TYPE_ALIASES.get(raw_type.lower())


def requirement(type_: str, fields: Params) -> dict[str, Any] | None:
    req = section(fields, "completion_requirement")
    kind = opt_str(req, "type")
    if not kind or kind not in _REQUIREMENTS.get(type_, set()):
        return None
    result: dict[str, Any] = {"type": kind}
    if kind == "min_score":
        result["min_score"] = opt_float(req, "min_score", "completion_requirement[min_score]")
    return result


def resolve_content(course: Course, type_: str, fields: Params) -> tuple[int | None, str]:
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


def custom_params(fields: Params) -> dict[str, str] | None:
    raw = fields.get("custom_params")
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else None
