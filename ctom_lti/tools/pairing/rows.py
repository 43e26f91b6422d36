"""Reading the pairing import file (pure): which rows are good and what is wrong with the others.

The file is a CSV with exactly the header columns of :data:`COLUMNS` (in any order). List cells
are ``;``-separated: principle keys from ``curriculum.toml`` for ``expertise`` and
``growth_areas``, qualification keys for ``qualifications``, emails for ``conflicts``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ctom_lti.tools.pairing.rules import QUALIFICATIONS, REGIONS

COLUMNS: tuple[str, ...] = (
    "role",
    "email",
    "name",
    "organisation",
    "region",
    "years",
    "expertise",
    "growth_areas",
    "capacity",
    "qualifications",
    "conflicts",
)
ROLES = ("mentor", "candidate")
MENTOR_ONLY = ("expertise", "capacity", "qualifications")
CANDIDATE_ONLY = ("growth_areas", "conflicts")
MAX_YEARS = 60
MAX_CAPACITY = 20
MAX_TEXT = 200
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


@dataclass(frozen=True)
class ImportRow:
    """One good row, with clean values."""

    line: int
    role: str
    email: str
    name: str
    organisation: str
    region: str | None
    years: int | None
    expertise: tuple[str, ...]
    growth_areas: tuple[str, ...]
    capacity: int
    qualifications: frozenset[str]
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class RowProblem:
    """A row left out, by its line in the file (the header is line 1)."""

    line: int
    email: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        who = f" ({self.email})" if self.email else ""
        return f"line {self.line}{who}: " + "; ".join(self.problems)


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]
    #: Set when the file as a whole cannot be read (nothing is imported then).
    file_problem: str | None = None


def normalise_email(text: str) -> str:
    return text.strip().casefold()


def _items(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def _whole(cell: str, what: str, high: int, problems: list[str]) -> int | None:
    text = cell.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > high:
        problems.append(f"{what} must be a whole number from 0 to {high}, not {text!r}")
        return None
    return int(text)


def _keys(cell: str, what: str, known: Sequence[str], problems: list[str]) -> tuple[str, ...]:
    items = _items(cell)
    unknown = [item for item in items if item not in known]
    if unknown:
        problems.append(f"{what} has unknown keys: {', '.join(unknown)}")
    return tuple(key for key in known if key in items)


def _header_problem(header: Sequence[str] | None) -> str | None:
    if not header:
        return "The file is empty; it needs a header row: " + ",".join(COLUMNS)
    names = [h.strip() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    missing = [c for c in COLUMNS if c not in names]
    duplicated = sorted({h for h in names if names.count(h) > 1})
    parts = []
    if unknown:
        parts.append(f"unknown columns: {', '.join(unknown)}")
    if missing:
        parts.append(f"missing columns: {', '.join(missing)}")
    if duplicated:
        parts.append(f"repeated columns: {', '.join(duplicated)}")
    if parts:
        return "The header row has " + "; ".join(parts) + ". Expected: " + ",".join(COLUMNS)
    return None


def _row(line: int, cells: dict[str, str], principle_keys: Sequence[str]) -> ImportRow | RowProblem:
    problems: list[str] = []
    role = cells["role"].strip().casefold()
    email = normalise_email(cells["email"])
    if role not in ROLES:
        problems.append(f"role must be mentor or candidate, not {cells['role'].strip()!r}")
    if not _EMAIL.match(email):
        problems.append(f"email {cells['email'].strip()!r} is not an email address")
    for column in ("name", "organisation"):
        if len(cells[column].strip()) > MAX_TEXT:
            problems.append(f"{column} is longer than {MAX_TEXT} characters")
    region = cells["region"].strip().casefold() or None
    if region is not None and region not in REGIONS:
        problems.append(f"region must be north or south, not {cells['region'].strip()!r}")
    years = _whole(cells["years"], "years", MAX_YEARS, problems)
    expertise = _keys(cells["expertise"], "expertise", principle_keys, problems)
    growth = _keys(cells["growth_areas"], "growth_areas", principle_keys, problems)
    qualifications = _keys(cells["qualifications"], "qualifications", QUALIFICATIONS, problems)
    capacity = _whole(cells["capacity"], "capacity", MAX_CAPACITY, problems)
    conflicts = tuple(dict.fromkeys(normalise_email(e) for e in _items(cells["conflicts"])))
    bad = [e for e in conflicts if not _EMAIL.match(e)]
    if bad:
        problems.append(f"conflicts has entries that are not emails: {', '.join(bad)}")
    wrong_cells = {"mentor": CANDIDATE_ONLY, "candidate": MENTOR_ONLY}.get(role, ())
    filled = [c for c in wrong_cells if cells[c].strip()]
    if filled:
        problems.append(f"a {role} row leaves {', '.join(filled)} empty")
    if problems:
        return RowProblem(line, email, tuple(problems))
    return ImportRow(
        line=line,
        role=role,
        email=email,
        name=" ".join(cells["name"].split()),
        organisation=" ".join(cells["organisation"].split()),
        region=region,
        years=years,
        expertise=expertise,
        growth_areas=growth,
        capacity=1 if capacity is None else capacity,
        qualifications=frozenset(qualifications),
        conflicts=conflicts,
    )


def parse_import(text: str, principle_keys: Sequence[str]) -> ParsedFile:
    """The good rows of the file and a problem for every other row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, None)
        problem = _header_problem(header)
        if problem or header is None:
            return ParsedFile((), (), problem)
        names = [h.strip() for h in header]
        rows: list[ImportRow] = []
        problems: list[RowProblem] = []
        seen: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                problems.append(
                    RowProblem(line, "", (f"has {len(cells)} cells; the header has {len(names)}",))
                )
                continue
            parsed = _row(line, dict(zip(names, cells, strict=True)), principle_keys)
            if isinstance(parsed, ImportRow) and parsed.email in seen:
                parsed = RowProblem(
                    line, parsed.email, (f"the same email is on line {seen[parsed.email]}",)
                )
            if isinstance(parsed, ImportRow):
                seen[parsed.email] = line
                rows.append(parsed)
            else:
                problems.append(parsed)
    except csv.Error as exc:
        return ParsedFile((), (), f"The file is not a readable CSV: {exc}.")
    return ParsedFile(tuple(rows), tuple(problems))
