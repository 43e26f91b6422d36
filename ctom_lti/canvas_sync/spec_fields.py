"""What a course spec may say, and the checker that reports each problem with its line.

The vocabulary: item types, tool link targets, grading and submission types, the placeholders
each ``each = <scope>`` repetition allows, and which placeholders may appear in keys. The
checker reads one text or choice field against it and keeps every problem it finds.
"""

from __future__ import annotations

import re
from typing import Any

from ctom_lti.canvas_sync.template import TemplateError, placeholders
from ctom_lti.cohorts.tomlsource import PathPart, Problem, TomlSource
from ctom_lti.links import PROGRAMME_PAGES

ITEM_TYPES = ("subheader", "page", "assignment", "tool_link")
#: Pages a tool link may open: the programme pages of the tool's page vocabulary.
TOOL_TARGETS = tuple(page.name for page in PROGRAMME_PAGES)
GRADING_TYPES = ("pass_fail", "points", "percent", "letter_grade", "gpa_scale", "not_graded")
SUBMISSION_TYPES = (
    "none",
    "on_paper",
    "online_upload",
    "online_text_entry",
    "online_url",
    "media_recording",
    "student_annotation",
    "external_tool",
)
DEFAULT_VIEWS = ("feed", "wiki", "modules", "syllabus", "assignments")
#: Placeholders every template may use.
GLOBAL_FIELDS = frozenset(
    {
        "cohort.name",
        "cohort.number",
        "cohort.course_code",
        "programme.name",
        "term.start",
        "term.end",
        "duties.candidate_html",
        "duties.mentor_html",
        "qualifications.mentor_html",
        "sessions.schedule_html",
    }
)
#: Placeholders available inside ``each = <scope>`` repetition.
SCOPE_FIELDS: dict[str, frozenset[str]] = {
    "strand": frozenset({"strand.key", "strand.name", "strand.number", "strand.principles_html"}),
    "principle": frozenset(
        {
            "principle.key",
            "principle.name",
            "principle.number",
            "principle.strand_name",
            "principle.topics_html",
            "principle.due",
        }
    ),
    "session": frozenset(
        {
            "session.key",
            "session.number",
            "session.title",
            "session.date",
            "session.location",
            "session.region",
            "session.region_name",
            "session.start",
            "session.format_text",
        }
    ),
}
#: The only placeholders allowed in keys: values that never change for a curriculum entry.
KEY_FIELDS = frozenset({"strand.key", "principle.key", "session.key", "session.number"})
#: Which item repetitions may sit inside which module repetition.
ITEM_EACH_IN_MODULE: dict[str | None, tuple[str | None, ...]] = {
    None: (None, "strand", "principle", "session"),
    "strand": (None, "principle"),
    "principle": (None,),
    "session": (None,),
}
_KEY_TEMPLATE = re.compile(r"^(?:[a-z0-9-]|\{[a-z_]+\.[a-z_]+\})+$")


class SpecCheck:
    def __init__(self, source: TomlSource) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: tuple[PathPart, ...], message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def text(
        self,
        table: dict[str, Any],
        key: str,
        path: tuple[PathPart, ...],
        allowed: frozenset[str],
        *,
        required: bool = True,
        is_key: bool = False,
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add(path, f"{key!r} is required here")
            return ""
        if not isinstance(value, str):
            self.add((*path, key), f"{key} must be text in quotes")
            return ""
        try:
            names = placeholders(value)
        except TemplateError as exc:
            self.add((*path, key), f"{key}: {exc}")
            return value
        for name in names:
            if is_key and name not in KEY_FIELDS:
                self.add(
                    (*path, key),
                    f"key {value!r} uses {{{name}}}; keys may only use "
                    + ", ".join(f"{{{n}}}" for n in sorted(KEY_FIELDS & allowed) or KEY_FIELDS),
                )
            elif name not in allowed:
                self.add((*path, key), f"{{{name}}} cannot be used here ({_scope_hint(allowed)})")
        if is_key and not _KEY_TEMPLATE.match(value):
            self.add((*path, key), f"key {value!r} may contain only a-z, 0-9, '-' and placeholders")
        return value

    def choice(
        self,
        table: dict[str, Any],
        key: str,
        path: tuple[PathPart, ...],
        choices: tuple[Any, ...],
        default: Any,
    ) -> Any:
        value = table.get(key, default)
        if value not in choices:
            shown = ", ".join(repr(c) for c in choices if c is not None)
            self.add((*path, key), f"{key} must be one of {shown}, not {value!r}")
            return default
        return value


def _scope_hint(allowed: frozenset[str]) -> str:
    scopes = sorted({n.split(".")[0] for n in allowed} & set(SCOPE_FIELDS))
    if not scopes:
        return "no each = … repetition applies"
    return "repeated over " + " and ".join(scopes)


def allowed_fields(*scopes: str | None) -> frozenset[str]:
    fields = set(GLOBAL_FIELDS)
    for scope in scopes:
        if scope:
            fields |= SCOPE_FIELDS[scope]
    return frozenset(fields)
