"""The rules over other features' evidence: monthly mentor reports and portfolio reflections.

The facts come from whichever installed feature gives them (:attr:`Feature.completion_facts`);
when that feature is not installed the rule says so rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from ctom_lti.tools.completion.evidence import Candidate, CohortEvidence, Fact
from ctom_lti.tools.completion.results import RuleResult, State

#: When one duty has several facts (a re-paired candidate's month under two mentors), the best
#: one decides.
_RANK = {"done": 3, "returned": 2, "in_progress": 1, "missing": 0}

_WORDS = {
    "returned": "returned for revision",
    "in_progress": "started, not submitted",
    "missing": "missing",
}

_TODO = {
    "report:": {
        "returned": "Your mentor revises the returned report and submits it again.",
        "in_progress": "Your mentor finishes and submits the draft report.",
        "missing": "Your mentor writes the month's report; if you have no mentor, tell the "
        "programme admin.",
    },
    "reflection:": {
        "returned": "Revise the reflection and ask your mentor to sign it off again.",
        "in_progress": "Finish the reflection and ask your mentor to sign it off.",
        "missing": "Write the reflection in your portfolio and ask your mentor to sign it off.",
    },
}

_WHAT = {"report:": "mentor report", "reflection:": "reflection"}


def best_facts(facts: Iterable[Fact]) -> dict[str, Fact]:
    """One fact per key: the furthest along (ties: the latest due)."""
    best: dict[str, Fact] = {}
    for fact in facts:
        have = best.get(fact.key)
        if have is None or (_RANK.get(fact.state, 0), fact.due or date.min) > (
            _RANK.get(have.state, 0),
            have.due or date.min,
        ):
            best[fact.key] = fact
    return best


def _expected(ev: CohortEvidence, prefix: str) -> list[Fact]:
    """Facts a feature must give even when it says nothing: one reflection per principle."""
    if prefix != "reflection:":
        return []
    return [
        Fact(f"reflection:{key}", "missing", ev.term_end, f"{name}: no reflection yet")
        for key, name in ev.principles
    ]


def fact_rule(
    rule: str, source: str, prefix: str
) -> Callable[[CohortEvidence, Candidate], RuleResult]:
    """A rule met when every due fact with ``prefix`` from feature ``source`` is done."""

    def check(ev: CohortEvidence, who: Candidate) -> RuleResult:
        what = _WHAT[prefix]
        if source not in ev.sources:
            return RuleResult(
                rule,
                State.UNAVAILABLE,
                f"not available: the {source} feature is not installed",
                f"Ask the programme admin to install the {source} feature.",
            )
        given = [f for f in who.facts.get(source, ()) if f.key.startswith(prefix)]
        facts = best_facts([*_expected(ev, prefix), *given])
        if not facts:
            return RuleResult(rule, State.NOT_YET_DUE, f"no {what} is due yet")
        gaps: list[Fact] = []
        waiting: list[Fact] = []
        for fact in sorted(facts.values(), key=lambda f: (f.due or date.max, f.key)):
            if fact.state == "done":
                continue
            # Evidence without a due day is due by the end of the term, as in the gradebook.
            due = fact.due or ev.term_end
            if due is not None and due >= ev.today:
                waiting.append(fact)
            else:
                gaps.append(fact)
        if gaps:
            states = list(dict.fromkeys(f.state for f in gaps))
            return RuleResult(
                rule,
                State.NOT_MET,
                "; ".join(_words(f) for f in gaps),
                " ".join(_TODO[prefix].get(s, _TODO[prefix]["missing"]) for s in states),
            )
        done = sum(1 for f in facts.values() if f.state == "done")
        if waiting:
            return RuleResult(
                rule,
                State.NOT_YET_DUE,
                f"{done} done; not yet due: " + "; ".join(_words(f) for f in waiting),
            )
        return RuleResult(rule, State.MET, f"all {done} {what}s done")

    return check


def _words(fact: Fact) -> str:
    state = _WORDS.get(fact.state, fact.state)
    if fact.detail:
        return f"{fact.detail} ({state})" if state not in fact.detail else fact.detail
    return f"{fact.key.split(':', 1)[1]}: {state}"
