"""The cohort's calendar as features read it, and the cohort file's settings as the row keeps them.

Pure conversions between :class:`CohortConfig` and what :class:`ctom_lti.models.Cohort` stores;
:mod:`ctom_lti.cohorts.records` does the reading and writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ctom_lti.cohorts.config import CohortConfig, SessionPlan
from ctom_lti.models import Cohort, CohortSession


@dataclass(frozen=True)
class CohortCalendar:
    """When and where a cohort meets: its term, its sessions and its time zone."""

    time_zone: str
    term_start: dt.date | None
    term_end: dt.date | None
    sessions: tuple[SessionPlan, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def starts_at(self, session: SessionPlan) -> dt.datetime:
        """The moment a session starts, in the cohort's time zone."""
        return dt.datetime.combine(session.date, session.start, tzinfo=self.zone)

    def session_on_or_after(self, day: dt.date) -> SessionPlan | None:
        """The first session whose last day is ``day`` or later (None after the last one)."""
        return next((s for s in self.sessions if s.last_day >= day), None)


def settings_json(config: CohortConfig) -> dict[str, Any]:
    """The cohort file's programme settings, as JSON for ``Cohort.settings``."""
    options = {
        key: value.isoformat() if isinstance(value, dt.time) else value
        for key, value in asdict(config.options).items()
    }
    return {
        "course_code": config.course_code,
        "account_id": config.account_id,
        "principle_sessions": dict(config.principle_sessions),
        "tool_base_url": config.tool_base_url,
        "tool_client_id": config.tool_client_id,
        "options": options,
        **{name: dict(table) for name, table in config.feature_settings.items()},
    }


def session_rows(config: CohortConfig) -> list[CohortSession]:
    return [
        CohortSession(
            number=plan.number,
            key=plan.key,
            title=plan.title,
            format=plan.format,
            date=plan.date,
            start=plan.start,
            location=plan.location,
            region=plan.region,
        )
        for plan in config.sessions
    ]


def calendar_of(cohort: Cohort) -> CohortCalendar | None:
    """The calendar recorded on ``cohort``; None until a cohort file was imported or synced."""
    if cohort.time_zone is None:
        return None
    return CohortCalendar(
        time_zone=cohort.time_zone,
        term_start=cohort.term_start,
        term_end=cohort.term_end,
        sessions=tuple(
            SessionPlan(
                number=row.number,
                key=row.key,
                title=row.title,
                format=row.format,
                date=row.date,
                location=row.location,
                region=row.region,
                start=row.start,
            )
            for row in sorted(cohort.sessions, key=lambda r: r.number)
        ),
    )
