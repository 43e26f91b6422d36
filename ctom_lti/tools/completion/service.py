"""Gather a cohort's completion evidence and decide; the view or command commits.

The evidence comes from three places: Canvas's gradebook (through the cohort's gateway, by
course-spec key), the cohort calendar, and every installed feature's
:attr:`~ctom_lti.features.Feature.completion_facts` — the check never imports another feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.canvas import CanvasGateway
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.cohorts.errors import CohortNotFound
from ctom_lti.curriculum import load_curriculum
from ctom_lti.errors import CtomError
from ctom_lti.features import CompletionFact, Feature
from ctom_lti.models import Cohort, Membership, Person, Role
from ctom_lti.tools.completion import evidence as ev
from ctom_lti.tools.completion.gradebook import Gradebook, read_gradebook
from ctom_lti.tools.completion.models import CompletionOverride
from ctom_lti.tools.completion.results import CandidateResult
from ctom_lti.tools.completion.rules import evaluate
from ctom_lti.tools.completion.settings import CompletionSettings, settings_from

#: Membership states of a candidate who has left the programme.
WITHDRAWN = frozenset({"inactive", "withdrawn"})
#: Membership rows that stand for nobody of their own (merged into the person's launched row).
GONE = ("merged",)

#: Opens the Canvas gateway of a cohort (raises a ``CtomError`` when it cannot).
OpenGateway = Callable[[Cohort], CanvasGateway]


@dataclass(frozen=True)
class CohortCheck:
    """One run of the check: what it read and what it decided."""

    cohort: Cohort
    evidence: ev.CohortEvidence
    results: tuple[CandidateResult, ...]
    #: Canvas API requests the gradebook read took
    canvas_calls: int = 0

    def result_for(self, person_id: int) -> CandidateResult | None:
        return next((r for r in self.results if r.person_id == person_id), None)


def cohort_settings(cohort: Cohort) -> CompletionSettings:
    """The cohort file's ``[completion]`` table, as recorded on the cohort."""
    return settings_from((cohort.settings or {}).get("completion"))


def _candidates(session: Session, cohort_id: int) -> list[tuple[Person, bool]]:
    rows = session.execute(
        select(Person, Membership.status)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.CANDIDATE.value,
            Membership.status.not_in(GONE),
        )
        .order_by(Person.family_name, Person.name, Person.email, Person.id)
    )
    chosen: dict[str, tuple[Person, str]] = {}
    for person, status in rows:
        # One person per email: someone imported before their first launch has a pending row
        # until pairing adopts it; the launched (active) row is the one to show.
        key = (person.email or f"#{person.id}").lower()
        if key not in chosen or (chosen[key][1] != "active" and status == "active"):
            chosen[key] = (person, status)
    # "inactive": gone from the Canvas roster (ctom_lti.cohorts.roster); "pending" people were
    # imported before their first launch and are still in the programme.
    return [(person, status in WITHDRAWN) for person, status in chosen.values()]


def _overrides(session: Session, cohort_id: int) -> dict[int, dict[str, ev.Override]]:
    found: dict[int, dict[str, ev.Override]] = {}
    for row in session.scalars(
        select(CompletionOverride).where(
            CompletionOverride.cohort_id == cohort_id, CompletionOverride.revoked_at.is_(None)
        )
    ):
        found.setdefault(row.person_id, {})[row.rule] = ev.Override(
            row.rule, row.justification, row.by_name or "an admin", row.updated_at.date()
        )
    return found


def _fact(fact: CompletionFact) -> ev.Fact:
    return ev.Fact(fact.key, fact.state, fact.due, fact.detail)


def _facts(
    session: Session, cohort_id: int, features: Iterable[Feature], today: date
) -> tuple[frozenset[str], dict[int, dict[str, tuple[ev.Fact, ...]]]]:
    sources: set[str] = set()
    by_person: dict[int, dict[str, tuple[ev.Fact, ...]]] = {}
    for feature in features:
        if feature.completion_facts is None:
            continue
        sources.add(feature.name)
        given: Mapping[int, tuple[CompletionFact, ...]] = feature.completion_facts(
            session, cohort_id, today
        )
        for person_id, facts in given.items():
            by_person.setdefault(person_id, {})[feature.name] = tuple(_fact(f) for f in facts)
    return frozenset(sources), by_person


def _gradebook(
    session: Session, cohort: Cohort, open_gateway: OpenGateway | None, settings: CompletionSettings
) -> tuple[Gradebook, str | None, int]:
    empty = Gradebook((), {})
    calendar = calendar_of(cohort)
    if not cohort.canvas_course_id:
        return empty, "the cohort has no Canvas course yet", 0
    if open_gateway is None or calendar is None:
        return empty, "the cohort's Canvas course or calendar is not recorded", 0
    try:
        gateway = open_gateway(cohort)
        before = gateway.calls
        book = read_gradebook(session, cohort, gateway, settings, calendar.zone)
        return book, None, (gateway.calls - before).total
    except CtomError as exc:
        return empty, exc.message, 0


def gather(
    session: Session,
    cohort: Cohort,
    *,
    features: Iterable[Feature],
    open_gateway: OpenGateway | None,
    today: date,
) -> tuple[ev.CohortEvidence, int]:
    """Everything the rules read for ``cohort`` on ``today``, and the Canvas calls it took."""
    settings = cohort_settings(cohort)
    calendar = calendar_of(cohort)
    book, problem, calls = _gradebook(session, cohort, open_gateway, settings)
    sources, facts = _facts(session, cohort.id, features, today)
    overrides = _overrides(session, cohort.id)
    candidates = tuple(
        ev.Candidate(
            person_id=person.id,
            name=person.name or person.email or f"person {person.id}",
            email=person.email or "",
            withdrawn=withdrawn,
            cells=book.cells_of(person.canvas_user_id, person.sis_user_id),
            facts=facts.get(person.id, {}),
            overrides=overrides.get(person.id, {}),
        )
        for person, withdrawn in _candidates(session, cohort.id)
    )
    evidence = ev.CohortEvidence(
        today=today,
        term_end=cohort.term_end,
        sessions=tuple(
            ev.Session(s.number, s.key, s.last_day) for s in (calendar.sessions if calendar else ())
        ),
        assignments=book.assignments,
        principles=tuple((p.key, p.name) for p in load_curriculum().principles),
        sources=sources,
        settings=settings,
        candidates=candidates,
        gradebook_problem=problem,
    )
    return evidence, calls


def check_cohort(
    session: Session,
    cohort_id: int,
    *,
    features: Iterable[Feature],
    open_gateway: OpenGateway | None,
    today: date,
) -> CohortCheck:
    """Decide every candidate's completion in the cohort as of ``today``."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise CohortNotFound(f"There is no cohort #{cohort_id}.")
    evidence, calls = gather(
        session, cohort, features=features, open_gateway=open_gateway, today=today
    )
    return CohortCheck(cohort, evidence, evaluate(evidence), calls)


def person_name(session: Session, person_id: int) -> str:
    """How a person is named where their decisions are shown."""
    person = session.get(Person, person_id)
    if person is None:
        return f"person {person_id}"
    return person.name or person.email or f"person {person_id}"
