"""The cohort's calendar and programme settings as the tool works with them.

A cohort file (see :mod:`ctom_lti.cohorts.cohort_file`) is validated into a :class:`CohortConfig`;
sync builds the Canvas course from it and the cohort's database row keeps its calendar, so every
feature reads the term, the sessions and the time zone from one place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

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
    #: Canvas REST base URL the course lives on (``[cohort] canvas_url``); it picks the
    #: registration (tenant) the cohort belongs to. None: given on the command line instead.
    canvas_url: str | None = None
    #: where the file was read from (to find a relative ``options.spec``)
    source: Path | None = None
    #: features' own tables (``[completion]``) as written; each feature checks its own
    feature_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False)

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
