"""Which completion rules a cohort applies, and how: the cohort file's ``[completion]`` table.

Every rule is on by default and can be switched off; the keys that say which Canvas assignments
feed which rule are the course spec's stable keys (``canvas_sync/course_spec.toml``), matched
with shell-style wildcards, so a cohort that copies and edits the spec names its own keys here.

```toml
[completion]
excused_absences = 1                       # excused absences a candidate may have
required_groups = ["programme", "strand-*", "sessions"]
attendance = "session-*-attendance"
# switch a rule off:
# rules.portfolio = false
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from fnmatch import fnmatchcase
from typing import Any

from ctom_lti.errors import Unprocessable

#: The rules in the order a checklist shows them, with their labels.
RULES: tuple[tuple[str, str], ...] = (
    ("assignments", "Assignments graded complete"),
    ("attendance", "Attendance at all sessions"),
    ("class_presentation", "Class oral presentation"),
    ("final_presentation", "Final oral presentation"),
    ("mentor_reports", "Monthly mentor reports"),
    ("portfolio", "Portfolio reflections signed off"),
    ("ethics_and_feedback", "Code of ethics and programme feedback"),
)
RULE_KEYS = tuple(key for key, _ in RULES)
RULE_LABELS = dict(RULES)


class SettingsError(Unprocessable):
    """The ``[completion]`` table says something the check cannot follow (lists every problem)."""

    title = "The cohort's completion settings are wrong"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "; ".join(problems),
            hint="Fix the [completion] table in the cohort file and import it again "
            "(ctom-lti cohort import FILE).",
        )
        self.problems = problems


@dataclass(frozen=True)
class CompletionSettings:
    """One cohort's completion rules (defaults follow the programme's duties)."""

    #: rules applied; the others are shown as switched off
    enabled: frozenset[str] = frozenset(RULE_KEYS)
    #: excused absences allowed before attendance is not met
    excused_absences: int = 1
    #: assignment groups (spec keys, wildcards allowed) whose assignments must all be complete
    required_groups: tuple[str, ...] = ("programme", "strand-*", "sessions")
    #: assignment keys (without ``assignment:``) of each rule's evidence
    attendance: str = "session-*-attendance"
    class_presentation: str = "class-oral-presentation"
    final_presentation: str = "final-oral-presentation"
    ethics: str = "code-of-ethics"
    feedback: str = "programme-feedback-survey"
    #: names of the features that give the mentor-report and portfolio evidence
    reports_source: str = "reports"
    portfolio_source: str = "portfolio"

    def claimed(self, assignment_key: str) -> bool:
        """Whether a rule other than "assignments" reads this assignment."""
        singles = (self.class_presentation, self.final_presentation, self.ethics, self.feedback)
        return fnmatchcase(assignment_key, self.attendance) or assignment_key in singles

    def in_required_group(self, group_key: str) -> bool:
        return any(fnmatchcase(group_key, pattern) for pattern in self.required_groups)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[f.name] = value
        return data


_TEXT_KEYS = (
    "attendance",
    "class_presentation",
    "final_presentation",
    "ethics",
    "feedback",
    "reports_source",
    "portfolio_source",
)


def settings_from(raw: Mapping[str, Any] | None) -> CompletionSettings:
    """Read a ``[completion]`` table; a :class:`SettingsError` names every problem."""
    if not raw:
        return CompletionSettings()
    problems: list[str] = []
    known = {"rules", "excused_absences", "required_groups", *_TEXT_KEYS}
    for key in sorted(set(raw) - known):
        problems.append(f"[completion] has no setting {key!r} (known: {', '.join(sorted(known))})")
    changes: dict[str, Any] = {"enabled": _enabled(raw.get("rules", {}), problems)}
    if "excused_absences" in raw:
        value = raw["excused_absences"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append("[completion] excused_absences must be a whole number, 0 or more")
        else:
            changes["excused_absences"] = value
    if "required_groups" in raw:
        groups = raw["required_groups"]
        if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
            problems.append("[completion] required_groups must be a list of assignment group keys")
        else:
            changes["required_groups"] = tuple(groups)
    changes |= _texts(raw, problems)
    if problems:
        raise SettingsError(problems)
    return replace(CompletionSettings(), **changes)


def _enabled(rules: Any, problems: list[str]) -> frozenset[str]:
    if not isinstance(rules, Mapping):
        problems.append("[completion] rules must be a table of rule = true/false")
        return frozenset(RULE_KEYS)
    enabled = set(RULE_KEYS)
    for key, on in rules.items():
        if key not in RULE_KEYS:
            problems.append(
                f"[completion.rules] has no rule {key!r} (rules: {', '.join(RULE_KEYS)})"
            )
        elif not isinstance(on, bool):
            problems.append(f"[completion.rules] {key} must be true or false")
        elif not on:
            enabled.discard(key)
    return frozenset(enabled)


def _texts(raw: Mapping[str, Any], problems: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for key in _TEXT_KEYS:
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                problems.append(f"[completion] {key} must be a non-empty text")
            else:
                texts[key] = raw[key].strip()
    return texts
