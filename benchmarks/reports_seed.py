"""Seeding for ``benchmarks/reports.py``: cohorts of paired people with a term's reports.

Rows go in with bulk INSERTs (``RETURNING`` ids), made by the schedule's own pure function, so
they are exactly the rows the tool would make and keeping them in step changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ctom_lti.models import Cohort, Membership, Person, Role
from ctom_lti.tools.pairing.models import Pairing
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.reminder_models import SENT, ReportReminder
from ctom_lti.tools.reports.schedule import PairingSpan, ProgrammeCalendar, schedule

CANDIDATES_PER_COHORT = 40
MENTORS_PER_COHORT = 14
TERM_START = date(2025, 9, 6)
TERM_END = date(2026, 6, 27)
ZONE = "America/Los_Angeles"
#: After the term: every month is open and its report due or past due.
NOW = datetime(2026, 7, 20, 18, 0, tzinfo=UTC)
DUE_DAY = 5


@dataclass
class Seeded:
    platform_id: int
    #: (cohort id, [mentor ids]) in seeding order
    cohorts: list[tuple[int, list[int]]]
    candidates: int = 0
    reports: int = 0


_STATUS_WEIGHTS = (
    ("acknowledged", 50),
    ("submitted", 20),
    ("returned", 5),
    ("draft", 10),
    ("not_started", 15),
)


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return [int(i) for i in result.scalars()]


def seed_cohorts(session: Session, seeded: Seeded, count: int, rng: random.Random) -> None:
    """Add ``count`` cohorts with their people, pairings, reports and some reminders."""
    cal = ProgrammeCalendar(TERM_START, TERM_END, ZONE, DUE_DAY)
    statuses = [s for s, _ in _STATUS_WEIGHTS]
    weights = [w for _, w in _STATUS_WEIGHTS]
    for _ in range(count):
        n = len(seeded.cohorts) + 1
        [cohort_id] = _ids(
            session,
            Cohort,
            [
                {
                    "platform_id": seeded.platform_id,
                    "context_id": f"{n:040x}",
                    "canvas_course_id": str(10_000 + n),
                    "sis_course_id": f"CTOM-BENCH-{n:03d}",
                    "title": f"CTO Mentor Program - Cohort {n:03d}",
                    "time_zone": ZONE,
                    "term_start": TERM_START,
                    "term_end": TERM_END,
                }
            ],
        )
        people = [
            {
                "platform_id": seeded.platform_id,
                "sub": f"bench-{n}-{k}",
                "name": f"{'Mentor' if k < MENTORS_PER_COHORT else 'Candidate'} {n:03d}-{k:02d}",
                "email": f"p{n}-{k}@bench.example.edu",
                "canvas_user_id": str(n * 1000 + k),
            }
            for k in range(MENTORS_PER_COHORT + CANDIDATES_PER_COHORT)
        ]
        person_ids = _ids(session, Person, people)
        mentors, candidates = person_ids[:MENTORS_PER_COHORT], person_ids[MENTORS_PER_COHORT:]
        session.execute(
            insert(Membership),
            [
                {
                    "person_id": pid,
                    "cohort_id": cohort_id,
                    "role": (Role.MENTOR if pid in mentors else Role.CANDIDATE).value,
                    "status": "active",
                }
                for pid in person_ids
            ],
        )
        pairs = [(mentors[i % len(mentors)], c) for i, c in enumerate(candidates)]
        pairing_ids = _ids(
            session,
            Pairing,
            [
                {
                    "cohort_id": cohort_id,
                    "mentor_person_id": m,
                    "candidate_person_id": c,
                    "status": "active",
                    "origin": "hand",
                    "started_on": TERM_START,
                }
                for m, c in pairs
            ],
        )
        spans = [
            PairingSpan(pid, m, c, TERM_START, None)
            for pid, (m, c) in zip(pairing_ids, pairs, strict=True)
        ]
        slots = schedule(cal, spans)
        report_ids = _ids(
            session,
            ProgressReport,
            [
                {
                    "cohort_id": cohort_id,
                    "pairing_id": s.pairing_id,
                    "mentor_person_id": s.mentor_id,
                    "candidate_person_id": s.candidate_id,
                    "month": s.month,
                    "period_start": s.period_start,
                    "period_end": s.period_end,
                    "due_on": s.due_on,
                    "status": rng.choices(statuses, weights)[0],
                    "content": {},
                    "shared": [],
                    "review_comment": "",
                }
                for s in slots
            ],
        )
        reminded = rng.sample(report_ids, len(report_ids) // 10)
        if reminded:
            session.execute(
                insert(ReportReminder),
                [
                    {
                        "report_id": rid,
                        "cohort_id": cohort_id,
                        "step": "due",
                        "status": SENT,
                        "attempts": 1,
                        "error": "",
                    }
                    for rid in reminded
                ],
            )
        seeded.cohorts.append((cohort_id, mentors))
        seeded.candidates += len(candidates)
        seeded.reports += len(report_ids)
