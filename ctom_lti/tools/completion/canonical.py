"""Evidence and results as canonical JSON, and back: what a snapshot stores and re-verifies.

Canonical means one spelling for one value (sorted keys, no spaces, ISO dates, sets sorted), so
the SHA-256 of the text identifies the inputs and can be recomputed from the stored text.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from ctom_lti.tools.completion.evidence import (
    Assignment,
    Candidate,
    Cell,
    CohortEvidence,
    Fact,
    Override,
    Session,
)
from ctom_lti.tools.completion.results import CandidateResult
from ctom_lti.tools.completion.settings import RULE_KEYS, settings_from


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _undate(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def evidence_json(ev: CohortEvidence) -> dict[str, Any]:
    settings = ev.settings.as_json()
    return {
        "today": ev.today.isoformat(),
        "term_end": _day(ev.term_end),
        "sessions": [[s.number, s.key, s.last_day.isoformat()] for s in ev.sessions],
        "assignments": [
            [a.key, a.title, a.group_key, _day(a.due), a.published] for a in ev.assignments
        ],
        "principles": [list(p) for p in ev.principles],
        "sources": sorted(ev.sources),
        "settings": settings,
        "gradebook_problem": ev.gradebook_problem,
        "candidates": [_candidate_json(c) for c in ev.candidates],
    }


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "person_id": c.person_id,
        "name": c.name,
        "email": c.email,
        "withdrawn": c.withdrawn,
        "cells": {
            key: [cell.grade, cell.excused, cell.submitted, cell.late, cell.missing]
            for key, cell in c.cells.items()
        },
        "facts": {
            source: [[f.key, f.state, _day(f.due), f.detail] for f in facts]
            for source, facts in c.facts.items()
        },
        "overrides": {
            rule: [o.justification, o.by, o.on.isoformat()] for rule, o in c.overrides.items()
        },
    }


def canonical_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_from(data: dict[str, Any]) -> CohortEvidence:
    """The evidence a snapshot stored (the inverse of :func:`evidence_json`)."""
    raw_settings = dict(data["settings"])
    enabled = set(raw_settings.pop("enabled"))
    raw_settings["rules"] = {key: key in enabled for key in RULE_KEYS}
    return CohortEvidence(
        today=date.fromisoformat(data["today"]),
        term_end=_undate(data["term_end"]),
        sessions=tuple(Session(n, k, date.fromisoformat(d)) for n, k, d in data["sessions"]),
        assignments=tuple(
            Assignment(k, t, g, _undate(d), p) for k, t, g, d, p in data["assignments"]
        ),
        principles=tuple((k, n) for k, n in data["principles"]),
        sources=frozenset(data["sources"]),
        settings=settings_from(raw_settings),
        candidates=tuple(_candidate_from(c) for c in data["candidates"]),
        gradebook_problem=data["gradebook_problem"],
    )


def _candidate_from(c: dict[str, Any]) -> Candidate:
    return Candidate(
        person_id=c["person_id"],
        name=c["name"],
        email=c["email"],
        withdrawn=c["withdrawn"],
        cells={key: Cell(*values) for key, values in c["cells"].items()},
        facts={
            source: tuple(Fact(k, s, _undate(d), t) for k, s, d, t in facts)
            for source, facts in c["facts"].items()
        },
        overrides={
            rule: Override(rule, j, by, date.fromisoformat(on))
            for rule, (j, by, on) in c["overrides"].items()
        },
    )


def results_json(results: tuple[CandidateResult, ...]) -> list[dict[str, Any]]:
    """Per candidate: each rule's state, reason and what to do, and the overall result."""
    return [
        {
            "person_id": r.person_id,
            "name": r.name,
            "email": r.email,
            "overall": r.overall.value,
            "rules": {
                rule.rule: {
                    "state": rule.state.value,
                    "reason": rule.reason,
                    "todo": rule.todo,
                    "overridden": rule.override is not None,
                }
                for rule in r.rules
            },
        }
        for r in results
    ]
