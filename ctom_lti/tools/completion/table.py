"""The cohort table's filters (pure): by overall result, and by one rule's state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ctom_lti.tools.completion.results import CandidateResult


def filter_results(
    results: Iterable[CandidateResult], args: Mapping[str, str]
) -> list[CandidateResult]:
    """``overall=<Overall>``, ``rule=<key>&state=<State>``, ``q=<text in name or email>``."""
    overall = args.get("overall") or ""
    rule = args.get("rule") or ""
    state = args.get("state") or ""
    text = (args.get("q") or "").strip().lower()
    chosen = []
    for r in results:
        if overall and r.overall.value != overall:
            continue
        if state and not any(
            x.state.value == state and (not rule or x.rule == rule) for x in r.rules
        ):
            continue
        if text and text not in f"{r.name} {r.email}".lower():
            continue
        chosen.append(r)
    return chosen
