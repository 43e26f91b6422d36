"""The cohort file: which cohort, which Canvas course, when and where its sessions meet.

An admin writes one small TOML file per cohort (``cohort.example.toml`` ships with
``ctom_lti.canvas_sync``) and runs ``ctom-lti sync`` or ``ctom-lti cohort import`` on it. Everything
is checked here, before any Canvas call, and every problem is reported with its line: a typo in a
date must never half-build a course.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ctom_lti.cohorts.config import SIS_ID, CohortConfig, CohortOptions
from ctom_lti.cohorts.file_checks import Checker
from ctom_lti.cohorts.programme_sections import parse_pairings, parse_principle_sessions
from ctom_lti.cohorts.session_plans import parse_sessions
from ctom_lti.cohorts.tomlsource import InputFileError, PathPart, TomlSource
from ctom_lti.curriculum.loader import Curriculum

#: Tables a feature reads for itself (``[completion]``): kept as written, checked by the feature.
FEATURE_TABLES = ("completion",)
_TOP_LEVEL = {
    "cohort",
    "tool",
    "options",
    "sessions",
    "principle_sessions",
    "pairings",
    *FEATURE_TABLES,
}
_COHORT_KEYS = {
    "canvas_url",
    "name",
    "number",
    "course_code",
    "sis_course_id",
    "account_id",
    "time_zone",
    "term_start",
    "term_end",
}
_OPTION_TYPES: dict[str, type] = {
    "publish_course": bool,
    "restrict_enrollments_to_course_dates": bool,
    "session_start": time,
    "kickoff_start": time,
    "spec": str,
    "check_alternating_regions": bool,
}


def load_cohort(path: str | Path, curriculum: Curriculum) -> CohortConfig:
    """Read and validate a cohort file; raise :class:`InputFileError` listing every problem."""
    source = TomlSource.from_path(path)
    return parse_cohort(source, curriculum, Path(path).resolve())


def parse_cohort(
    source: TomlSource, curriculum: Curriculum, path: Path | None = None
) -> CohortConfig:
    """Validate an already parsed cohort file (see :func:`load_cohort`)."""
    check = Checker(source)
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
    canvas_url = check.get(cohort, "canvas_url", str, here, required=False)
    if canvas_url is not None and not re.match(r"^https?://[^/\s]+", canvas_url):
        check.add(
            (*here, "canvas_url"),
            f"canvas_url {canvas_url!r} must be the Canvas address, e.g. "
            '"https://school.instructure.com"',
        )
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
    sessions = parse_sessions(
        check, data.get("sessions"), curriculum, options, (term_start, term_end)
    )
    principle_sessions = parse_principle_sessions(
        check, data.get("principle_sessions", {}), curriculum, len(curriculum.sessions)
    )
    pairings = parse_pairings(check, data.get("pairings", []))
    feature_tables = {name: data[name] for name in FEATURE_TABLES if name in data}
    for name, table in feature_tables.items():
        if not isinstance(table, dict):
            check.add((name,), f"[{name}] must be a table")

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
        canvas_url=canvas_url.strip().rstrip("/") if canvas_url else None,
        tool_client_id=tool_client_id,
        options=options,
        source=path,
        feature_settings=feature_tables,
    )


def _options(check: Checker, raw: Any) -> CohortOptions:
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


def _tool(check: Checker, raw: Any) -> tuple[str | None, str | None]:
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
