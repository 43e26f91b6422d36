"""Programme completion: one explainable decision per candidate, from plain evidence (pure).

:func:`evaluate` takes a :class:`~.evidence.CohortEvidence` and returns, per candidate, each
rule's :class:`RuleResult` — met, not met, not yet due, switched off, or not available — with the
reason (which submissions are excused, late, missing, ungraded or incomplete) and what to do about
each gap, and the overall result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from ctom_lti.tools.completion.cells import Kind, Status, classify
from ctom_lti.tools.completion.evidence import Candidate, CohortEvidence
from ctom_lti.tools.completion.facts import fact_rule
from ctom_lti.tools.completion.results import CandidateResult, Overall, RuleResult, State
from ctom_lti.tools.completion.settings import RULES

Rule = Callable[[CohortEvidence, Candidate], RuleResult]


def _gaps(rule: str, statuses: Sequence[Status], todo: dict[Kind, str], met: str) -> RuleResult:
    """The result of a rule over gradebook cells: each case named, with what to do."""
    gaps = [s for s in statuses if not s.kind.counts and not s.kind.waiting]
    waiting = [s for s in statuses if s.kind.waiting]
    noted = [s for s in statuses if s.kind in (Kind.EXCUSED, Kind.COMPLETE_LATE)]
    note = ("; " + "; ".join(s.words for s in noted)) if noted else ""
    if gaps:
        kinds = list(dict.fromkeys(s.kind for s in gaps))
        return RuleResult(
            rule,
            State.NOT_MET,
            "; ".join(s.words for s in gaps) + note,
            " ".join(todo.get(k, _TODO[k]) for k in kinds),
        )
    if waiting:
        return RuleResult(rule, State.NOT_YET_DUE, _first_few(waiting) + note)
    return RuleResult(rule, State.MET, met + note)


#: Work not yet due named one by one in a reason; the rest are counted (a term's assignments
#: would otherwise fill a cell of the cohort table with a list nobody needs yet).
WAITING_NAMED = 3


def _first_few(waiting: Sequence[Status]) -> str:
    named = "; ".join(s.words for s in waiting[:WAITING_NAMED])
    more = len(waiting) - WAITING_NAMED
    return named + (f"; and {more} more not yet due" if more > 0 else "")


_TODO = {
    Kind.INCOMPLETE: "Redo the work and resubmit it, or ask the instructor what is missing.",
    Kind.UNGRADED: "Nothing to do but wait: the instructor grades it in Canvas.",
    Kind.UNGRADED_LATE: "Nothing to do but wait: the instructor grades it in Canvas.",
    Kind.MISSING: "Hand it in through Canvas (it is past its due date).",
    Kind.NOT_RECORDED: "Hand it in through Canvas, or ask the instructor to grade it.",
    Kind.NOT_IN_CANVAS: "Ask the programme admin to sync the Canvas course (ctom-lti sync).",
}


def _statuses(ev: CohortEvidence, who: Candidate, keys: Callable[[str], bool]) -> list[Status]:
    default_due = ev.term_end
    return [
        classify(who.cells.get(a.key), a, ev.today, a.due or default_due)
        for a in ev.assignments
        if keys(a.key)
    ]


def _canvas_problem(ev: CohortEvidence, rule: str) -> RuleResult | None:
    if ev.gradebook_problem is None:
        return None
    return RuleResult(
        rule,
        State.UNAVAILABLE,
        f"not available: the Canvas gradebook could not be read ({ev.gradebook_problem})",
        "Try again later; if it persists, ask the programme admin to check the Canvas token.",
    )


def assignments_rule(ev: CohortEvidence, who: Candidate) -> RuleResult:
    """(1) Every assignment of the required groups graded complete (others' evidence aside)."""
    s = ev.settings
    required = {a.key for a in ev.assignments if s.in_required_group(a.group_key)}
    statuses = _statuses(ev, who, lambda k: k in required and not s.claimed(k))
    if not statuses:
        return RuleResult(
            "assignments",
            State.NOT_MET,
            "no assignment of the required groups is in the Canvas course",
            _TODO[Kind.NOT_IN_CANVAS],
        )
    return _gaps("assignments", statuses, {}, f"all {len(statuses)} assignments graded complete")


def attendance_rule(ev: CohortEvidence, who: Candidate) -> RuleResult:
    """(2) Every session attended; up to ``excused_absences`` excused."""
    pattern = ev.settings.attendance
    last_days = {
        f"{session.key}-attendance": session.last_day for session in ev.sessions
    }  # the default keys; other spellings keep the assignment's own due day
    statuses = [
        classify(who.cells.get(a.key), a, ev.today, a.due or last_days.get(a.key) or ev.term_end)
        for a in ev.assignments
        if fnmatchcase(a.key, pattern)
    ]
    todo = {
        Kind.INCOMPLETE: "Ask the instructor how to make up the missed session.",
        Kind.NOT_RECORDED: "Ask the instructor to record your attendance in Canvas.",
        Kind.MISSING: "Ask the instructor to record your attendance in Canvas.",
    }
    result = _gaps("attendance", statuses, todo, f"attended all {len(statuses)} sessions")
    missing_columns = len(ev.sessions) - len(statuses)
    if missing_columns > 0:
        return RuleResult(
            "attendance",
            State.NOT_MET,
            f"{missing_columns} of {len(ev.sessions)} sessions have no attendance column in Canvas",
            _TODO[Kind.NOT_IN_CANVAS],
        )
    excused = sum(1 for st in statuses if st.kind is Kind.EXCUSED)
    allowed = ev.settings.excused_absences
    if excused > allowed:
        return RuleResult(
            "attendance",
            State.NOT_MET,
            f"{excused} excused absences, the cohort allows {allowed}; {result.reason}",
            "Ask the instructor how to make up the missed sessions. " + result.todo,
        )
    if excused and result.state is State.MET:
        return replace(
            result, reason=f"{result.reason} ({excused} excused absence, {allowed} allowed)"
        )
    return result


def _single(rule: str, key: str, what: str) -> Rule:
    def check(ev: CohortEvidence, who: Candidate) -> RuleResult:
        statuses = _statuses(ev, who, lambda k: k == key)
        if not statuses:
            return RuleResult(
                rule,
                State.NOT_MET,
                f"the {what} is not in the Canvas course",
                _TODO[Kind.NOT_IN_CANVAS],
            )
        return _gaps(rule, statuses, {}, f"{what} graded complete")

    check.__doc__ = f"The {what} graded complete."
    return check


def ethics_feedback_rule(ev: CohortEvidence, who: Candidate) -> RuleResult:
    """(7) Code of ethics acknowledged and programme feedback given."""
    s = ev.settings
    wanted = (s.ethics, s.feedback)
    statuses = _statuses(ev, who, lambda k: k in wanted)
    if len(statuses) < len(wanted):
        return RuleResult(
            "ethics_and_feedback",
            State.NOT_MET,
            "the code of ethics or the feedback survey is not in the Canvas course",
            _TODO[Kind.NOT_IN_CANVAS],
        )
    return _gaps(
        "ethics_and_feedback",
        statuses,
        {},
        "code of ethics acknowledged and programme feedback given",
    )


def _rules(ev: CohortEvidence) -> dict[str, Rule]:
    s = ev.settings
    return {
        "assignments": assignments_rule,
        "attendance": attendance_rule,
        "class_presentation": _single(
            "class_presentation", s.class_presentation, "class oral presentation"
        ),
        "final_presentation": _single(
            "final_presentation", s.final_presentation, "final oral presentation"
        ),
        "mentor_reports": fact_rule("mentor_reports", s.reports_source, "report:"),
        "portfolio": fact_rule("portfolio", s.portfolio_source, "reflection:"),
        "ethics_and_feedback": ethics_feedback_rule,
    }


_CANVAS_RULES = frozenset(
    {"assignments", "attendance", "class_presentation", "final_presentation", "ethics_and_feedback"}
)


def judge(ev: CohortEvidence, who: Candidate) -> CandidateResult:
    """Every rule for one candidate, overrides applied, and the overall result."""
    rules = _rules(ev)
    results: list[RuleResult] = []
    for key, _ in RULES:
        if key not in ev.settings.enabled:
            result = RuleResult(key, State.OFF, "not required for this cohort")
        else:
            problem = _canvas_problem(ev, key) if key in _CANVAS_RULES else None
            result = problem or rules[key](ev, who)
        override = who.overrides.get(key)
        if override is not None and result.state is not State.OFF:
            result = RuleResult(
                key,
                State.MET,
                f"met by override ({override.by}, {override.on.isoformat()}): "
                f"{override.justification} — the evidence says: {result.reason}",
                override=override,
                computed=result.state,
            )
        results.append(result)
    return CandidateResult(
        who.person_id, who.name, who.email, _overall(who, results), tuple(results)
    )


def _overall(who: Candidate, results: Sequence[RuleResult]) -> Overall:
    if who.withdrawn:
        return Overall.WITHDRAWN
    states = {r.state for r in results}
    if states & {State.NOT_MET, State.UNAVAILABLE}:
        return Overall.NOT_COMPLETE
    if State.NOT_YET_DUE in states:
        return Overall.IN_PROGRESS
    return Overall.COMPLETE


def evaluate(ev: CohortEvidence) -> tuple[CandidateResult, ...]:
    """Every candidate's result, in the order the evidence lists them."""
    return tuple(judge(ev, who) for who in ev.candidates)
