"""The cohort file's ``[[sessions]]``: when and where each session meets, and the calendar checks.

Sessions are listed in programme order; each is checked on its own (a Friday, a known region),
then against its neighbours and the term (separate weekends, alternating regions, inside the term).
"""

from __future__ import annotations

import itertools
from datetime import date, time
from typing import Any

from ctom_lti.cohorts.config import REGIONS, CohortOptions, SessionPlan
from ctom_lti.cohorts.file_checks import Checker
from ctom_lti.cohorts.tomlsource import PathPart
from ctom_lti.curriculum.loader import Curriculum

_SESSION_KEYS = {"number", "date", "location", "region", "start"}


def parse_sessions(
    check: Checker,
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
    check: Checker, entry: Any, index: int, curriculum: Curriculum, options: CohortOptions
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
    check: Checker,
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
