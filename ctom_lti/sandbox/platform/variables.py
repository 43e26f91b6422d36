"""Custom-field variable substitution (canvas-lti.md §4.5, §4.2 "custom"), as pure functions.

A custom field whose value is exactly a known variable name (``$Canvas.user.id``) is replaced by
the variable's value. For LTI 1.3 Canvas sends numbers as STRINGS (newest code; older tokens
carried JSON numbers, §10.13); booleans stay booleans; an unknown or unavailable variable (e.g. a
course variable in an account launch) is sent as the literal ``$...`` text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: A variable's value; ``None`` means "not available in this launch" (sent literally).
VariableValue = str | int | float | bool | None


def expand_custom(
    fields: Mapping[str, str],
    values: Mapping[str, VariableValue],
    *,
    numbers_as_strings: bool = True,
) -> dict[str, Any]:
    """Expand ``fields`` into the custom claim; a leading ``custom_`` in a name is stripped."""
    claim: dict[str, Any] = {}
    for raw_name, raw_value in fields.items():
        name = raw_name.removeprefix("custom_")
        claim[name] = expand_value(raw_value, values, numbers_as_strings=numbers_as_strings)
    return claim


def expand_value(
    raw: str, values: Mapping[str, VariableValue], *, numbers_as_strings: bool = True
) -> Any:
    if not raw.startswith("$"):
        return raw
    value = values.get(raw)
    if value is None:
        return raw
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value) if numbers_as_strings else value
    return value
