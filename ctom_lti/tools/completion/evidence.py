"""What the completion rules read: the cohort's evidence as plain, JSON-able frozen values.

The service gathers these from Canvas's gradebook, the cohort calendar and the other features'
:class:`~ctom_lti.features.CompletionFact` s; a snapshot stores them as canonical JSON
(:mod:`.canonical`) so the same decision can be made again from the same inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ctom_lti.tools.completion.settings import CompletionSettings


@dataclass(frozen=True)
class Assignment:
    """A Canvas assignment the check reads, by its course-spec key (renames change nothing)."""

    #: spec key without ``assignment:``, e.g. ``session-3-attendance``
    key: str
    title: str
    #: spec key of its assignment group without ``group:``, e.g. ``strand-technology``
    group_key: str
    #: its due day in the cohort's time zone; None when Canvas has no due date
    due: date | None = None
    published: bool = True


@dataclass(frozen=True)
class Cell:
    """One candidate's submission of one assignment, as Canvas's gradebook shows it."""

    #: ``complete`` / ``incomplete`` (pass/fail), another grade, or None when ungraded
    grade: str | None = None
    excused: bool = False
    #: the candidate handed something in
    submitted: bool = False
    #: Canvas's own flags (late policy or past the due date)
    late: bool = False
    missing: bool = False


@dataclass(frozen=True)
class Fact:
    """One piece of a feature's evidence (a ``CompletionFact`` as plain data)."""

    key: str
    #: ``done`` | ``returned`` | ``in_progress`` | ``missing``
    state: str
    due: date | None
    detail: str


@dataclass(frozen=True)
class Override:
    """An admin's decision that one rule is met for one candidate, with the reason written."""

    rule: str
    justification: str
    by: str
    on: date


@dataclass(frozen=True)
class Candidate:
    """One candidate's evidence."""

    person_id: int
    name: str
    email: str
    #: no longer an active member of the cohort (left the course, withdrew)
    withdrawn: bool = False
    #: gradebook cells by assignment key; an assignment absent here has no row in Canvas
    cells: Mapping[str, Cell] = field(default_factory=dict)
    #: facts by the feature that gave them (only features that are installed appear)
    facts: Mapping[str, tuple[Fact, ...]] = field(default_factory=dict)
    overrides: Mapping[str, Override] = field(default_factory=dict)


@dataclass(frozen=True)
class Session:
    number: int
    key: str
    #: the session's last day: attendance is due once it has passed
    last_day: date


@dataclass(frozen=True)
class CohortEvidence:
    """Everything the rules read for one cohort on one day."""

    today: date
    term_end: date | None
    sessions: tuple[Session, ...]
    assignments: tuple[Assignment, ...]
    #: the curriculum's principles, (key, name), in order
    principles: tuple[tuple[str, str], ...]
    #: names of the installed features that give completion facts
    sources: frozenset[str]
    settings: CompletionSettings
    candidates: tuple[Candidate, ...]
    #: why the gradebook could not be read (the Canvas rules then say so); None when it was
    gradebook_problem: str | None = None
