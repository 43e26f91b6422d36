"""Checking a hand-written TOML table: collect every problem with its line, not just the first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from ctom_lti.cohorts.tomlsource import PathPart, Problem, TomlSource


class Checker:
    """Collects problems with their lines instead of stopping at the first."""

    def __init__(self, source: TomlSource) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: tuple[PathPart, ...], message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def unknown_keys(
        self, table: Mapping[str, Any], known: set[str], path: tuple[PathPart, ...], what: str
    ) -> None:
        for key in table:
            if key not in known:
                self.add(
                    (*path, key),
                    f"unknown {what} {key!r} (expected one of: {', '.join(sorted(known))})",
                )

    def get(
        self,
        table: Mapping[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        path: tuple[PathPart, ...],
        *,
        required: bool = True,
        describe: str | None = None,
    ) -> Any:
        if key not in table:
            if required:
                self.add(path, f"{table_name(path)} is missing {key!r}")
            return None
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # TOML datetimes are also dates; booleans are also ints. Neither may pass for the other.
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if date in kinds and hasattr(value, "hour"):
            ok = False
        if not ok:
            self.add(
                (*path, key), f"{key} must be {describe or describe_kinds(kinds)}, not {value!r}"
            )
            return None
        return value


def table_name(path: tuple[PathPart, ...]) -> str:
    """``("cohort",)`` -> ``[cohort]``; ``("sessions", 3)`` -> ``[[sessions]] #4``."""
    if not path:
        return "the file"
    if len(path) == 2 and isinstance(path[1], int):
        return f"[[{path[0]}]] #{path[1] + 1}"
    return "[" + ".".join(str(p) for p in path) + "]"


def describe_kinds(kinds: Sequence[type]) -> str:
    names = {
        str: "text in quotes",
        int: "a whole number",
        bool: "true or false",
        date: "a date like 2025-09-12 (no quotes)",
        time: "a time like 17:00:00 (no quotes)",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)
