"""The cohort file: which cohort, which Canvas course, when and where its sessions meet.

An admin writes one small TOML file per cohort (``cohort.example.toml`` ships beside this module)
and runs ``ctom-lti sync`` on it. Everything is checked here, before any Canvas call, and every
problem is reported with its line: a typo in a date must never half-build a course.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ctom_lti.canvas_sync.tomlsource import InputFileError, PathPart, Problem, TomlSource
from ctom_lti.curriculum.loader import Curriculum

#: Canvas SIS ids go into URL paths unescaped by canvasapi (canvas-rest.md §2), and Rails would
#: read a dot as a format suffix, so sync accepts only these characters.
SIS_ID = re.compile(r"^[A-Za-z0-9_-]+$")
REGIONS = {"north": "Northern California", "south": "Southern California"}


@dataclass(frozen=True)
class SessionPlan:
    """One of the cohort's sessions: the curriculum's session on a date at a venue."""

    number: int
    #: stable curriculum key, e.g. ``session-3``
    key: str
    title: str
    #: curriculum format: ``kickoff-full-friday`` or ``friday-evening-saturday``
    format: str
    #: the Friday the session starts
    date: dt.date
    location: str
    #: ``north`` or ``south``
    region: str
    #: local start time on ``date``
    start: dt.time

    @property
    def last_day(self) -> dt.date:
        """The session's last day: the Friday itself for the kickoff, else the Saturday."""
        return self.date if self.format.startswith("kickoff") else self.date + timedelta(days=1)


@dataclass(frozen=True)
class Pairing:
    """A mentor and the candidates they mentor, by SIS user id (the institution's person id)."""

    mentor_sis_id: str
    candidate_sis_ids: tuple[str, ...]


@dataclass(frozen=True)
class CohortOptions:
    publish_course: bool = False
    #: Canvas honours course dates only with this on (canvas-rest.md §4.1)
    restrict_enrollments_to_course_dates: bool = True
    session_start: time = time(17, 0)
    kickoff_start: time = time(9, 0)
    #: a copied and edited course spec, relative to the cohort file; None = the packaged one
    spec: str | None = None
    check_alternating_regions: bool = True


@dataclass(frozen=True)
class CohortConfig:
    """A validated cohort file."""

    name: str
    number: int
    course_code: str
    #: the Canvas course's SIS id: how sync finds the course again on every run
    sis_course_id: str
    #: Canvas account to create the course in: numeric id or ``sis_account_id:X``
    account_id: int | str
    time_zone: str
    term_start: date
    term_end: date
    sessions: tuple[SessionPlan, ...]
    #: principle key -> number of the session its assignment is due at
    principle_sessions: Mapping[str, int] = field(default_factory=dict, hash=False)
    pairings: tuple[Pairing, ...] = ()
    #: the tool's public base URL (defaults to the app's ``BASE_URL``)
    tool_base_url: str | None = None
    #: LTI developer key client id, to install the tool in the course if the account has not
    tool_client_id: str | None = None
    options: CohortOptions = CohortOptions()
    #: where the file was read from (to find a relative ``options.spec``)
    source: Path | None = None

    def session(self, number: int) -> SessionPlan:
        return self.sessions[number - 1]

    @property
    def spec_path(self) -> Path | None:
        if not self.options.spec:
            return None
        spec = Path(self.options.spec)
        if not spec.is_absolute() and self.source is not None:
            spec = self.source.parent / spec
        return spec


_TOP_LEVEL = {"cohort", "tool", "options", "sessions", "principle_sessions", "pairings"}
_COHORT_KEYS = {
    "name",
    "number",
    "course_code",
    "sis_course_id",
    "account_id",
    "time_zone",
    "term_start",
    "term_end",
}
_SESSION_KEYS = {"number", "date", "location", "region", "start"}
_OPTION_TYPES: dict[str, type] = {
    "publish_course": bool,
    "restrict_enrollments_to_course_dates": bool,
    "session_start": time,
    "kickoff_start": time,
    "spec": str,
    "check_alternating_regions": bool,
}


class _Checker:
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
                self.add(path, f"{_table_name(path)} is missing {key!r}")
            return None
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # TOML datetimes are also dates; booleans are also ints. Neither may pass for the other.
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if date in kinds and hasattr(value, "hour"):
            ok = False
        if not ok:
            self.add((*path, key), f"{key} must be {describe or _describe(kinds)}, not {value!r}")
            return None
        return value


def _table_name(path: tuple[PathPart, ...]) -> str:
    """``("cohort",)`` -> ``[cohort]``; ``("sessions", 3)`` -> ``[[sessions]] #4``."""
    if not path:
        return "the file"
    if len(path) == 2 and isinstance(path[1], int):
        return f"[[{path[0]}]] #{path[1] + 1}"
    return "[" + ".".join(str(p) for p in path) + "]"


def _describe(kinds: Sequence[type]) -> str:
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


def load_cohort(path: str | Path, curriculum: Curriculum) -> CohortConfig:
    """Read and validate a cohort file; raise :class:`InputFileError` listing every problem."""
    source = TomlSource.from_path(path)
    return parse_cohort(source, curriculum, Path(path).resolve())


def parse_cohort(
    source: TomlSource, curriculum: Curriculum, path: Path | None = None
) -> CohortConfig:
    """Validate an already parsed cohort file (see :func:`load_cohort`)."""
    check = _Checker(source)
    data = source.data
    check.unknown_keys(data, _TOP_LEVEL, (), "section")

    cohort = data.get("cohort")
    if not isinstance(cohort, dict):
        check.add(("cohort",), "a [cohort] table with name, number, sis_course_id… is required")
        raise InputFileError(source.filename, check.problems)
    here: tuple[PathPart, ...] = ("cohort",)
    check.unknown_keys(cohort, _COHORT_KEYS, here, "key")
    name = check.get(cohort, "name", str, here)
    number = check.get(cohort, "number", int, here)
    course_code = check.get(cohort, "course_code", str, here)
    sis_course_id = check.get(cohort, "sis_course_id", str, here)
    account_id = check.get(
        cohort,
        "account_id",
        (int, str),
        here,
        describe='a Canvas account id (a number) or "sis_account_id:…"',
    )
    time_zone = check.get(cohort, "time_zone", str, here, required=False) or "America/Los_Angeles"
    term_start = check.get(cohort, "term_start", date, here)
    term_end = check.get(cohort, "term_end", date, here)

    if name is not None and not name.strip():
        check.add((*here, "name"), "name must not be empty")
    if number is not None and number < 1:
        check.add((*here, "number"), "number must be 1 or more")
    if sis_course_id is not None and not SIS_ID.match(sis_course_id):
        check.add(
            (*here, "sis_course_id"),
            f"sis_course_id {sis_course_id!r} may contain only letters, digits, '-' and '_'",
        )
    if isinstance(account_id, str) and not (
        account_id.isdigit() or account_id.startswith("sis_account_id:")
    ):
        check.add((*here, "account_id"), 'account_id must be a number or "sis_account_id:…"')
    if isinstance(account_id, int) and account_id < 1:
        check.add((*here, "account_id"), "account_id must be 1 or more")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        check.add(
            (*here, "time_zone"), f"unknown time zone {time_zone!r} (e.g. America/Los_Angeles)"
        )
    if term_start and term_end and term_end <= term_start:
        check.add((*here, "term_end"), f"term_end {term_end} must be after term_start {term_start}")

    options = _options(check, data.get("options", {}))
    tool_base_url, tool_client_id = _tool(check, data.get("tool", {}))
    sessions = _sessions(check, data.get("sessions"), curriculum, options, (term_start, term_end))
    principle_sessions = _principle_sessions(
        check, data.get("principle_sessions", {}), curriculum, len(curriculum.sessions)
    )
    pairings = _pairings(check, data.get("pairings", []))

    if check.problems:
        raise InputFileError(source.filename, check.problems)
    return CohortConfig(
        name=name.strip(),
        number=number,
        course_code=course_code,
        sis_course_id=sis_course_id,
        account_id=int(account_id)
        if isinstance(account_id, str) and account_id.isdigit()
        else account_id,
        time_zone=time_zone,
        term_start=term_start,
        term_end=term_end,
        sessions=tuple(sessions),
        principle_sessions=principle_sessions,
        pairings=tuple(pairings),
        tool_base_url=tool_base_url,
        tool_client_id=tool_client_id,
        options=options,
        source=path,
    )


def _options(check: _Checker, raw: Any) -> CohortOptions:
    if not isinstance(raw, dict):
        check.add(("options",), "[options] must be a table")
        return CohortOptions()
    check.unknown_keys(raw, set(_OPTION_TYPES), ("options",), "option")
    values = {}
    for key, kind in _OPTION_TYPES.items():
        value = check.get(raw, key, kind, ("options",), required=False)
        if value is not None:
            values[key] = value
    return CohortOptions(**values)


def _tool(check: _Checker, raw: Any) -> tuple[str | None, str | None]:
    if not isinstance(raw, dict):
        check.add(("tool",), "[tool] must be a table")
        return None, None
    check.unknown_keys(raw, {"base_url", "client_id"}, ("tool",), "key")
    base_url = check.get(raw, "base_url", str, ("tool",), required=False)
    client_id = check.get(raw, "client_id", (str, int), ("tool",), required=False)
    if base_url is not None and not re.match(r"^https?://[^/\s]+", base_url):
        check.add(("tool", "base_url"), f"base_url {base_url!r} must start with https://")
        base_url = None
    if isinstance(client_id, str) and not client_id.strip().isdigit():
        check.add(
            ("tool", "client_id"), 'client_id is the developer key\'s number, e.g. "10000000000042"'
        )
    return (base_url.rstrip("/") if base_url else None), (
        str(client_id).strip() if client_id is not None else None
    )


def _sessions(
    check: _Checker,
    raw: Any,
    curriculum: Curriculum,
    options: CohortOptions,
    term: tuple[date | None, date | None],
) -> list[SessionPlan]:
    expected = len(curriculum.sessions)
    if not isinstance(raw, list) or not raw:
        check.add(
            ("sessions",), f"{expected} [[sessions]] entries are required (date, location, region)"
        )
        return []
    if len(raw) != expected:
        check.add(
            ("sessions", len(raw) - 1), f"the programme has {expected} sessions; found {len(raw)}"
        )
    plans = [
        plan
        for index, entry in enumerate(raw[:expected])
        if (plan := _session(check, entry, index, curriculum, options)) is not None
    ]
    _check_calendar(check, plans, options, term)
    return plans


def _session(
    check: _Checker, entry: Any, index: int, curriculum: Curriculum, options: CohortOptions
) -> SessionPlan | None:
    here: tuple[PathPart, ...] = ("sessions", index)
    number = index + 1
    if not isinstance(entry, dict):
        check.add(here, f"session {number} must be a [[sessions]] table")
        return None
    check.unknown_keys(entry, _SESSION_KEYS, here, "session key")
    given = check.get(entry, "number", int, here, required=False)
    if given is not None and given != number:
        check.add(
            (*here, "number"),
            f"session number {given} is listed in position {number}; "
            f"list sessions 1 to {len(curriculum.sessions)} in order",
        )
    day = check.get(entry, "date", date, here)
    location = check.get(entry, "location", str, here)
    region = check.get(entry, "region", str, here)
    start = check.get(entry, "start", time, here, required=False)
    if location is not None and not location.strip():
        check.add((*here, "location"), f"session {number} needs a location")
    if region is not None and region not in REGIONS:
        check.add((*here, "region"), f'region must be "north" or "south", not {region!r}')
    if day is None or location is None or region not in REGIONS:
        return None
    if day.weekday() != 4:
        check.add(
            (*here, "date"),
            f"session {number} date {day} is a {day:%A}; sessions start on a Friday",
        )
    template = curriculum.sessions[index]
    kickoff = template.format.startswith("kickoff")
    return SessionPlan(
        number=number,
        key=template.key,
        title=template.title,
        format=template.format,
        date=day,
        location=location.strip(),
        region=region,
        start=start or (options.kickoff_start if kickoff else options.session_start),
    )


def _check_calendar(
    check: _Checker,
    plans: list[SessionPlan],
    options: CohortOptions,
    term: tuple[date | None, date | None],
) -> None:
    """Sessions in order, one per weekend, alternating regions, inside the term."""
    for prev, cur in itertools.pairwise(plans):
        if cur.date <= prev.last_day:
            span = (
                str(prev.date) if prev.last_day == prev.date else f"{prev.date} to {prev.last_day}"
            )
            check.add(
                ("sessions", cur.number - 1, "date"),
                f"session {cur.number} ({cur.date}) overlaps or comes before session "
                f"{prev.number} ({span}); sessions must be on separate weekends, in order",
            )
        adjacent = cur.number == prev.number + 1  # a session with errors is left out above
        if options.check_alternating_regions and adjacent and cur.region == prev.region:
            check.add(
                ("sessions", cur.number - 1, "region"),
                f"sessions {prev.number} and {cur.number} are both in the {cur.region}; "
                "locations alternate north/south (set check_alternating_regions = false under "
                "[options] to allow this)",
            )
    term_start, term_end = term
    for plan in plans:
        here = ("sessions", plan.number - 1, "date")
        if term_start and plan.date < term_start:
            check.add(
                here, f"session {plan.number} ({plan.date}) is before term_start {term_start}"
            )
        if term_end and plan.last_day > term_end:
            check.add(here, f"session {plan.number} ({plan.date}) ends after term_end {term_end}")


def _principle_sessions(
    check: _Checker, raw: Any, curriculum: Curriculum, sessions: int
) -> dict[str, int]:
    if not isinstance(raw, dict):
        check.add(
            ("principle_sessions",),
            "[principle_sessions] must be a table of principle = session number",
        )
        return {}
    known = {p.key for p in curriculum.principles}
    result: dict[str, int] = {}
    for key, value in raw.items():
        here: tuple[PathPart, ...] = ("principle_sessions", key)
        if key not in known:
            check.add(
                here, f"unknown principle {key!r}; principles are: {', '.join(sorted(known))}"
            )
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= sessions:
            check.add(here, f"{key} must be a session number from 1 to {sessions}, not {value!r}")
            continue
        result[key] = value
    return result


def _pairings(check: _Checker, raw: Any) -> list[Pairing]:
    if not isinstance(raw, list):
        check.add(("pairings",), "pairings must be [[pairings]] tables")
        return []
    pairings: list[Pairing] = []
    mentor_of: dict[str, str] = {}
    for index, entry in enumerate(raw):
        here: tuple[PathPart, ...] = ("pairings", index)
        if not isinstance(entry, dict):
            check.add(here, "each [[pairings]] needs mentor_sis_id and candidate_sis_ids")
            continue
        check.unknown_keys(entry, {"mentor_sis_id", "candidate_sis_ids"}, here, "key")
        mentor = check.get(entry, "mentor_sis_id", str, here)
        candidates = check.get(
            entry, "candidate_sis_ids", list, here, describe="a list of SIS user ids"
        )
        if mentor is None or candidates is None:
            continue
        if not candidates or not all(isinstance(c, str) and c.strip() for c in candidates):
            check.add(
                (*here, "candidate_sis_ids"),
                "candidate_sis_ids must list at least one SIS user id in quotes",
            )
            continue
        for cand in candidates:
            if cand == mentor:
                check.add((*here, "candidate_sis_ids"), f"{mentor!r} cannot mentor themselves")
            elif cand in mentor_of and mentor_of[cand] != mentor:
                check.add(
                    (*here, "candidate_sis_ids"),
                    f"candidate {cand!r} is already paired with mentor {mentor_of[cand]!r}; "
                    "a candidate has one mentor",
                )
            mentor_of[cand] = mentor
        pairings.append(
            Pairing(mentor.strip(), tuple(dict.fromkeys(c.strip() for c in candidates)))
        )
    return pairings
