"""The values the course spec's placeholders take: the cohort's, and per strand, principle, session.

Dates and times are written out for people ("Friday 6 March 2026", "5:00 PM").
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ctom_lti.cohorts import REGIONS, CohortConfig, SessionPlan
from ctom_lti.curriculum.loader import Curriculum, Principle, Strand


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(at: time) -> str:
    return f"{at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _html_list(entries: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(e, quote=False)}</li>" for e in entries) + "</ul>"


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def session_start(session: SessionPlan, zone: str) -> datetime:
    """When a session starts, in UTC."""
    return local_to_utc(session.date, session.start, zone)


def _session_line(s: SessionPlan) -> str:
    return (
        f"Session {s.number}: {s.title}, {long_date(s.date)} at {clock(s.start)}, "
        f"{s.location} ({REGIONS[s.region]})"
    )


class PlaceholderValues:
    """Placeholder values per scope (the names are declared in ``spec.py``)."""

    def __init__(self, curriculum: Curriculum, cohort: CohortConfig) -> None:
        self.curriculum = curriculum
        self.cohort = cohort
        self.base = {
            "cohort.name": cohort.name,
            "cohort.number": str(cohort.number),
            "cohort.course_code": cohort.course_code,
            "programme.name": curriculum.name,
            "term.start": long_date(cohort.term_start),
            "term.end": long_date(cohort.term_end),
            "duties.candidate_html": _html_list(curriculum.candidate_duties),
            "duties.mentor_html": _html_list(curriculum.mentor_duties),
            "qualifications.mentor_html": _html_list(curriculum.mentor_qualifications),
            "sessions.schedule_html": _html_list(_session_line(s) for s in cohort.sessions),
        }
        self.principle_number = {p.key: i for i, p in enumerate(curriculum.principles, 1)}

    def strand(self, strand: Strand) -> dict[str, str]:
        number = [s.key for s in self.curriculum.strands].index(strand.key) + 1
        return {
            "strand.key": strand.key,
            "strand.name": strand.name,
            "strand.number": str(number),
            "strand.principles_html": _html_list(p.name for p in strand.principles),
        }

    def principle(self, principle: Principle) -> dict[str, str]:
        session_no = self.cohort.principle_sessions.get(principle.key)
        due = (
            long_date(self.cohort.session(session_no).date)
            if session_no
            else "when the instructor announces it"
        )
        return {
            "principle.key": principle.key,
            "principle.name": principle.name,
            "principle.number": str(self.principle_number[principle.key]),
            "principle.strand_name": self.curriculum.strand(principle.strand_key).name,
            "principle.topics_html": _html_list(principle.topics),
            "principle.due": due,
        }

    def session(self, session: SessionPlan) -> dict[str, str]:
        kickoff = session.format.startswith("kickoff")
        return {
            "session.key": session.key,
            "session.number": str(session.number),
            "session.title": session.title,
            "session.date": long_date(session.date),
            "session.location": session.location,
            "session.region": session.region,
            "session.region_name": REGIONS[session.region],
            "session.start": clock(session.start),
            "session.format_text": "a full day on Friday"
            if kickoff
            else "Friday evening and Saturday",
        }
