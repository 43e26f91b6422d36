"""Problems in a course spec, each reported with its line (pure, no Canvas)."""

from __future__ import annotations

import pytest

from ctom_lti.canvas_sync.spec import load_spec
from ctom_lti.cohorts.tomlsource import InputFileError

from .expansion import SPEC, build


def spec_problems(text: str) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        build(text)
    return [p.render("spec.toml") for p in caught.value.problems]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    return [i for i, line in enumerate(text.splitlines(), 1) if needle in line][occurrence - 1]


def test_the_packaged_spec_loads() -> None:
    spec = load_spec()
    assert spec.default_view == "modules"
    assert [g.key for g in spec.groups][:2] == ["programme", "strand-{strand.key}"]


def test_an_unknown_placeholder_is_named_with_its_line() -> None:
    text = SPEC.replace(
        'title = "{principle.name}: Overview"', 'title = "{principle.nme}: Overview"'
    )
    [message] = spec_problems(text)
    assert message.startswith(f"spec.toml line {line_of(text, '{principle.nme}')}:")
    assert "{principle.nme} cannot be used here" in message


def test_a_placeholder_outside_its_repetition_is_refused() -> None:
    text = SPEC.replace('title = "Class Oral Presentation"', 'title = "{principle.name} talk"')
    [message] = spec_problems(text)
    assert "{principle.name} cannot be used here (no each = … repetition applies)" in message


def test_keys_may_only_use_stable_placeholders() -> None:
    text = SPEC.replace('key = "principle-{principle.key}-header"', 'key = "p-{principle.name}"')
    [message] = spec_problems(text)
    assert message.startswith(f"spec.toml line {line_of(text, 'p-{principle.name}')}:")
    assert "keys may only use" in message


def test_keys_must_be_unique_after_expansion() -> None:
    text = SPEC.replace('key = "{session.key}-attendance"', 'key = "{session.key}-pre-session"')
    found = spec_problems(text)
    second = line_of(text, 'key = "{session.key}-pre-session"', 2)
    header = max(n for n in range(second) if "[[modules.items]]" in text.splitlines()[n - 1])
    assert found[0].startswith(f"spec.toml line {header}:")
    assert "key 'session-1-pre-session' is made twice" in found[0]


def test_an_assignment_must_name_a_declared_group() -> None:
    text = SPEC.replace('group = "presentations"', 'group = "talks"', 1)
    [message] = spec_problems(text)
    line = line_of(text, 'group = "talks"')
    assert message.startswith(f"spec.toml line {line}:")
    assert "no assignment group has key 'talks'" in message


def test_due_rules_need_their_repetition() -> None:
    text = SPEC.replace('due = "session:8"', 'due = "session.start"')
    [message] = spec_problems(text)
    assert 'due = "session.start" needs each = "session"' in message
    text = SPEC.replace('due = "session:8"', 'due = "session:9"')
    [message] = spec_problems(text)
    assert "due 'session:9': there are 8 sessions" in message


def test_pass_fail_needs_points() -> None:
    text = SPEC.replace(
        'title = "Final Oral Presentation"',
        'title = "Final Oral Presentation"\npoints_possible = 0',
    )
    [message] = spec_problems(text)
    assert "a pass/fail assignment needs points_possible > 0" in message


def test_duplicate_names_are_refused_because_canvas_would_rename_them() -> None:
    text = SPEC.replace('title = "Final Oral Presentation"', 'title = "Class Oral Presentation"')
    [message] = spec_problems(text)
    assert "assignment name 'Class Oral Presentation' is used twice" in message


def test_unknown_item_types_and_settings_are_refused() -> None:
    text = SPEC.replace('type = "subheader"', 'type = "heading"', 1)
    found = spec_problems(text)
    assert any(
        "type must be one of 'subheader', 'page', 'assignment', 'tool_link'" in m for m in found
    )
    text = SPEC.replace('target = "reports"', 'target = "reports"\ncolour = "blue"')
    assert any("unknown item setting 'colour'" in m for m in spec_problems(text))
