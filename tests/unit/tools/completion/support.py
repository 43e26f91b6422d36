"""A plain cohort's evidence for the completion rules' tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from ctom_lti.tools.completion.evidence import (
    Assignment,
    Candidate,
    Cell,
    CohortEvidence,
    Fact,
    Session,
)
from ctom_lti.tools.completion.settings import CompletionSettings

TERM_END = date(2027, 5, 28)
AFTER_TERM = date(2027, 6, 1)
SESSIONS = tuple(
    Session(n, f"session-{n}", date(2026, 9, 12) + timedelta(weeks=4 * (n - 1)))
    for n in range(1, 9)
)
PRINCIPLES = (
    ("security-fundamentals", "Security Fundamentals"),
    ("infrastructure", "Infrastructure"),
)
ASSIGNMENTS = (
    Assignment("code-of-ethics", "Code of Ethics Acknowledgement", "programme", date(2026, 9, 11)),
    Assignment("mentor-partnership-agreement", "Mentor Partnership Agreement", "programme"),
    Assignment(
        "principle-security-fundamentals-assignment",
        "Security Fundamentals: Assignment",
        "strand-technology",
        date(2026, 10, 9),
    ),
    *(
        Assignment(
            f"{s.key}-pre-session", f"Session {s.number}: Pre-session", "sessions", s.last_day
        )
        for s in SESSIONS
    ),
    *(
        Assignment(f"{s.key}-attendance", f"Session {s.number}: Attendance", "sessions")
        for s in SESSIONS
    ),
    Assignment("class-oral-presentation", "Class Oral Presentation", "presentations"),
    Assignment(
        "final-oral-presentation", "Final Oral Presentation", "presentations", SESSIONS[-1].last_day
    ),
    Assignment("programme-feedback-survey", "Programme Feedback Survey", "programme", TERM_END),
)
DONE = Cell(grade="complete", submitted=True)
MONTHS = ("2026-09", "2026-10")


def full_cells() -> dict[str, Cell]:
    return {a.key: DONE for a in ASSIGNMENTS}


def full_facts() -> dict[str, tuple[Fact, ...]]:
    return {
        "reports": tuple(
            Fact(f"report:{m}", "done", date(2026, 10 + i, 5), f"{m} report submitted")
            for i, m in enumerate(MONTHS)
        ),
        "portfolio": tuple(
            Fact(f"reflection:{key}", "done", None, f"{name}: signed off")
            for key, name in PRINCIPLES
        ),
    }


def candidate(person_id: int = 1, **changes: object) -> Candidate:
    who = Candidate(person_id, f"Candidate {person_id}", f"c{person_id}@example.edu")
    who = replace(who, cells=full_cells(), facts=full_facts())
    return replace(who, **changes)  # type: ignore[arg-type]


def cells_with(**cells: Cell) -> dict[str, Cell]:
    return full_cells() | {key.replace("_", "-"): cell for key, cell in cells.items()}


def cohort(*candidates: Candidate, today: date = AFTER_TERM, **changes: object) -> CohortEvidence:
    ev = CohortEvidence(
        today=today,
        term_end=TERM_END,
        sessions=SESSIONS,
        assignments=ASSIGNMENTS,
        principles=PRINCIPLES,
        sources=frozenset({"reports", "portfolio"}),
        settings=CompletionSettings(),
        candidates=candidates or (candidate(),),
    )
    return replace(ev, **changes)  # type: ignore[arg-type]
