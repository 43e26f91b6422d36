"""Parse a hand-edited TOML file and point at the line of any value, for error messages.

``tomllib`` gives line numbers only for syntax errors; validation problems ("session 3 overlaps
session 2") need the line of a key too. :class:`TomlSource` scans the text once for table headers
and ``key =`` lines, tracking arrays of tables by index, so ``line_of("sessions", 2, "date")``
finds the ``date`` of the third ``[[sessions]]``. It understands the TOML people write by hand
(tables, arrays of tables, dotted headers, multi-line strings); for anything it cannot place it
falls back to the nearest enclosing table's header line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctom_lti.errors import Unprocessable

_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

PathPart = str | int


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a line (``None`` when no line applies)."""

    line: int | None
    message: str

    def render(self, filename: str) -> str:
        where = f"{filename} line {self.line}" if self.line else filename
        return f"{where}: {self.message}"


class InputFileError(Unprocessable):
    """An input file (cohort file, course spec) is invalid; nothing was sent to Canvas."""

    title = "The file is not valid"

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        lines = [p.render(filename) for p in problems]
        super().__init__(
            "\n".join(lines),
            hint=f"Fix {filename} and run again; nothing was sent to Canvas.",
        )


def _split_dotted(key: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', key)
    return [p.strip().strip("\"'") for p in parts]


class TomlSource:
    """A parsed TOML document plus where each of its keys was written."""

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.text = text
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = _SYNTAX_POSITION.search(str(exc))
            line = int(match.group(1)) if match else None
            message = _SYNTAX_POSITION.sub("", str(exc)).strip()
            raise InputFileError(
                filename, [Problem(line, f"this is not valid TOML ({message})")]
            ) from exc
        self._lines: dict[tuple[PathPart, ...], int] = {}
        self._scan()

    @classmethod
    def from_path(cls, path: str | Path) -> TomlSource:
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError as exc:
            raise InputFileError(str(path), [Problem(None, "file not found")]) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(str(path), [Problem(None, f"cannot read it ({exc})")]) from exc
        return cls(text, path.name)

    def _scan(self) -> None:
        counts: dict[tuple[PathPart, ...], int] = {}
        table: tuple[PathPart, ...] = ()
        in_multiline: str | None = None
        for number, line in enumerate(self.text.splitlines(), 1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header and not _KEY_LINE.match(line):
                table = self._resolve(_split_dotted(header.group(2)), counts, header.group(1))
                self._lines.setdefault(table, number)
                continue
            key = _KEY_LINE.match(line)
            if key:
                path = table + tuple(_split_dotted(key.group(1)))
                self._lines.setdefault(path, number)
                value = line[key.end() :]
                for quote in ('"""', "'''"):
                    if value.count(quote) % 2 == 1:
                        in_multiline = quote
                # Keys of an inline table on this line belong to this line too.
                for inner in re.findall(r"([A-Za-z0-9_-]+)\s*=", value):
                    self._lines.setdefault((*path, inner), number)

    def _resolve(
        self, parts: list[str], counts: dict[tuple[PathPart, ...], int], bracket: str
    ) -> tuple[PathPart, ...]:
        path: tuple[PathPart, ...] = ()
        for i, part in enumerate(parts):
            path = (*path, part)
            last = i == len(parts) - 1
            if last and bracket == "[[":
                counts[path] = counts.get(path, -1) + 1
                path = (*path, counts[path])
            elif path in counts:
                # A dotted header through an array of tables refers to its latest element.
                path = (*path, counts[path])
        return path

    def line_of(self, *path: PathPart) -> int | None:
        """Line where ``path`` (or its nearest enclosing table) is written, if known."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: tuple[PathPart, ...], message: str) -> Problem:
        return Problem(self.line_of(*path), message)
