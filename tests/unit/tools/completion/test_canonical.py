"""A snapshot's inputs as canonical JSON: one spelling per value, read back to the same evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ctom_lti.tools.completion.canonical import (
    canonical_text,
    evidence_from,
    evidence_json,
    results_json,
    sha256_of,
)
from ctom_lti.tools.completion.evidence import Cell, Override
from ctom_lti.tools.completion.rules import evaluate
from ctom_lti.tools.completion.settings import RULE_KEYS, CompletionSettings
from tests.unit.tools.completion.support import candidate, cells_with, cohort


def test_evidence_reads_back_to_the_same_evidence_and_the_same_results() -> None:
    override = Override("attendance", "Made up in June", "Ada Admin", date(2027, 6, 1))
    ev = cohort(
        candidate(1),
        candidate(2, cells=cells_with(session_3_attendance=Cell(grade="incomplete"))),
        candidate(3, withdrawn=True, overrides={"attendance": override}),
        settings=CompletionSettings(
            enabled=frozenset(RULE_KEYS) - {"portfolio"}, excused_absences=2
        ),
    )
    again = evidence_from(evidence_json(ev))
    assert again == ev
    assert results_json(evaluate(again)) == results_json(evaluate(ev))


def test_the_text_and_its_hash_depend_only_on_the_values() -> None:
    ev = cohort(candidate(1), candidate(2))
    text = canonical_text(evidence_json(ev))
    assert text == canonical_text(evidence_json(evidence_from(evidence_json(ev))))
    changed = replace(ev, today=date(2027, 6, 2))
    assert sha256_of(canonical_text(evidence_json(changed))) != sha256_of(text)
    assert len(sha256_of(text)) == 64
