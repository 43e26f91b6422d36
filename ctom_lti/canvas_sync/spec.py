"""The course spec: what a cohort's Canvas course contains, written as data.

``course_spec.toml`` beside this module is the layout the programme uses; its header explains the
format. Admins may copy and edit it. This module loads and checks a spec (placeholders, repetition,
keys, groups, due rules) and reports each problem with its line, before anything reaches Canvas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ctom_lti.canvas_sync.spec_fields import (
    DEFAULT_VIEWS,
    GRADING_TYPES,
    ITEM_EACH_IN_MODULE,
    ITEM_TYPES,
    SCOPE_FIELDS,
    SUBMISSION_TYPES,
    TOOL_TARGETS,
    SpecCheck,
    allowed_fields,
)
from ctom_lti.cohorts.tomlsource import InputFileError, PathPart, TomlSource
from ctom_lti.links import PROGRAMME_PAGES

SPEC_VERSION = 1

_DUE = re.compile(r"^(session\.start|principle\.session|term\.start|term\.end|session:(\d+))$")


@dataclass(frozen=True)
class GroupSpec:
    """An assignment group (one per strand with ``each = "strand"``)."""

    key: str
    name: str
    each: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ItemSpec:
    """One module item; a page or assignment item also declares that page or assignment."""

    type: str
    key: str
    title: str
    each: str | None = None
    indent: int = 0
    #: page body (HTML template)
    body: str | None = None
    #: assignment settings
    group: str | None = None
    description: str | None = None
    submission_types: tuple[str, ...] = ("none",)
    grading_type: str = "pass_fail"
    points_possible: float = 1.0
    due: str | None = None
    published: bool = True
    #: tool_link settings
    target: str | None = None
    principle: str | None = None
    new_tab: bool = False
    line: int | None = None


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    name: str
    items: tuple[ItemSpec, ...]
    each: str | None = None
    published: bool = True
    line: int | None = None


@dataclass(frozen=True)
class CourseSpec:
    """A validated course spec."""

    name: str
    default_view: str
    groups: tuple[GroupSpec, ...]
    modules: tuple[ModuleSpec, ...]
    #: file name, for messages about problems found later (e.g. duplicate keys after expansion)
    filename: str = "course_spec.toml"


def load_spec(path: str | Path | None = None) -> CourseSpec:
    """Load the packaged spec, or the admin's copy at ``path``; raise :class:`InputFileError`."""
    if path is None:
        text = (
            resources.files("ctom_lti.canvas_sync").joinpath("course_spec.toml").read_text("utf-8")
        )
        return parse_spec(TomlSource(text, "course_spec.toml"))
    return parse_spec(TomlSource.from_path(path))


def parse_spec(source: TomlSource) -> CourseSpec:
    """Validate a parsed spec file (see :func:`load_spec`)."""
    check = SpecCheck(source)
    data = source.data
    if data.get("version") != SPEC_VERSION:
        check.add(("version",), f"version = {SPEC_VERSION} is required at the top of the spec")
    unknown = set(data) - {"version", "course", "assignment_groups", "modules"}
    for key in sorted(unknown):
        check.add((key,), f"unknown section {key!r} (expected course, assignment_groups, modules)")
    course = data.get("course", {})
    if not isinstance(course, dict):
        check.add(("course",), "[course] must be a table")
        course = {}
    name = check.text(course, "name", ("course",), allowed_fields()) or "{cohort.name}"
    default_view = check.choice(course, "default_view", ("course",), DEFAULT_VIEWS, "modules")

    groups = _groups(check, data.get("assignment_groups", []))
    group_keys = {g.key for g in groups}
    modules = _modules(check, data.get("modules", []), group_keys)
    if check.problems:
        raise InputFileError(source.filename, check.problems)
    return CourseSpec(name, default_view, tuple(groups), tuple(modules), source.filename)


def _groups(check: SpecCheck, raw: Any) -> list[GroupSpec]:
    if not isinstance(raw, list):
        check.add(("assignment_groups",), "assignment groups must be [[assignment_groups]] tables")
        return []
    groups = []
    for i, entry in enumerate(raw):
        here: tuple[PathPart, ...] = ("assignment_groups", i)
        each = check.choice(entry, "each", here, (None, "strand"), None)
        allowed = allowed_fields(each)
        key = check.text(entry, "key", here, allowed, is_key=True)
        name = check.text(entry, "name", here, allowed)
        groups.append(GroupSpec(key, name, each, check.source.line_of(*here)))
    return groups


def _modules(check: SpecCheck, raw: Any, group_keys: set[str]) -> list[ModuleSpec]:
    if not isinstance(raw, list) or not raw:
        check.add(("modules",), "at least one [[modules]] table is required")
        return []
    modules = []
    for i, entry in enumerate(raw):
        here: tuple[PathPart, ...] = ("modules", i)
        each = check.choice(entry, "each", here, (None, *SCOPE_FIELDS), None)
        allowed = allowed_fields(each)
        key = check.text(entry, "key", here, allowed, is_key=True)
        name = check.text(entry, "name", here, allowed)
        published = entry.get("published", True)
        items = [
            _item(check, item, (*here, "items", j), each, group_keys)
            for j, item in enumerate(entry.get("items", []))
        ]
        modules.append(
            ModuleSpec(key, name, tuple(items), each, bool(published), check.source.line_of(*here))
        )
    return modules


def _item(
    check: SpecCheck,
    entry: dict[str, Any],
    here: tuple[PathPart, ...],
    module_each: str | None,
    group_keys: set[str],
) -> ItemSpec:
    kind = check.choice(entry, "type", here, ITEM_TYPES, "subheader")
    each = check.choice(entry, "each", here, ITEM_EACH_IN_MODULE[module_each], None)
    allowed = allowed_fields(module_each, each)
    key = check.text(entry, "key", here, allowed, is_key=True)
    title = check.text(entry, "title", here, allowed)
    indent = entry.get("indent", 0)
    if isinstance(indent, bool) or not isinstance(indent, int) or not 0 <= indent <= 5:
        check.add((*here, "indent"), "indent must be a whole number from 0 to 5")
        indent = 0
    fields: dict[str, Any] = {}
    if kind == "page":
        fields["body"] = check.text(entry, "body", here, allowed)
    elif kind == "assignment":
        fields.update(
            _assignment_fields(
                check,
                entry=entry,
                here=here,
                allowed=allowed,
                group_keys=group_keys,
                module_each=module_each,
                each=each,
            )
        )
    elif kind == "tool_link":
        fields["target"] = check.choice(entry, "target", here, TOOL_TARGETS, "home")
        principle = entry.get("principle")
        if principle is not None:
            fields["principle"] = check.text(entry, "principle", here, allowed)
        elif any(p.per_principle for p in PROGRAMME_PAGES if p.name == fields["target"]):
            check.add(here, f'a {fields["target"]} link needs principle = "{{principle.key}}"')
        fields["new_tab"] = bool(entry.get("new_tab", False))
    known = {"type", "key", "title", "each", "indent", "body", "group", "description"}
    known |= {"submission_types", "grading_type", "points_possible", "due", "published"}
    known |= {"target", "principle", "new_tab"}
    for extra in sorted(set(entry) - known):
        check.add((*here, extra), f"unknown item setting {extra!r}")
    return ItemSpec(
        type=kind,
        key=key,
        title=title,
        each=each,
        indent=indent,
        line=check.source.line_of(*here),
        **fields,
    )


def _assignment_fields(
    check: SpecCheck,
    *,
    entry: dict[str, Any],
    here: tuple[PathPart, ...],
    allowed: frozenset[str],
    group_keys: set[str],
    module_each: str | None,
    each: str | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    group = check.text(entry, "group", here, allowed, is_key=True)
    if group and "{" not in group and group not in group_keys:
        check.add((*here, "group"), f"no assignment group has key {group!r}")
    fields["group"] = group
    fields["description"] = check.text(entry, "description", here, allowed, required=False)
    fields["grading_type"] = check.choice(entry, "grading_type", here, GRADING_TYPES, "pass_fail")
    types = entry.get("submission_types", ["none"])
    if not isinstance(types, list) or not types or any(t not in SUBMISSION_TYPES for t in types):
        check.add(
            (*here, "submission_types"),
            f"submission_types must be a list from: {', '.join(SUBMISSION_TYPES)}",
        )
        types = ["none"]
    fields["submission_types"] = tuple(types)
    points = entry.get("points_possible", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
        check.add((*here, "points_possible"), "points_possible must be a number, 0 or more")
        points = 1
    if fields["grading_type"] == "pass_fail" and points <= 0:
        # Canvas scores a pass as points_possible; 0 would make every score 0 (canvas-rest.md §5).
        check.add((*here, "points_possible"), "a pass/fail assignment needs points_possible > 0")
    fields["points_possible"] = float(points)
    fields["published"] = bool(entry.get("published", True))
    due = entry.get("due")
    if due is not None:
        scopes = {module_each, each}
        match = _DUE.match(due) if isinstance(due, str) else None
        if match is None:
            check.add(
                (*here, "due"),
                f"due {due!r} must be session.start, session:N, principle.session, term.start "
                "or term.end",
            )
        elif due == "session.start" and "session" not in scopes:
            check.add((*here, "due"), 'due = "session.start" needs each = "session"')
        elif due == "principle.session" and "principle" not in scopes:
            check.add((*here, "due"), 'due = "principle.session" needs each = "principle"')
        fields["due"] = due
    return fields
