"""The cohort table as CSV and as the JSON ``ctom-lti completion --json`` prints (pure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from ctom_lti.spreadsheets import spreadsheet_cell
from ctom_lti.tools.completion.results import CandidateResult
from ctom_lti.tools.completion.settings import RULES


def csv_text(results: Iterable[CandidateResult]) -> str:
    """One row per candidate: name, email, overall, then each rule's state and reason.

    Names and reasons (an override's justification among them) are typed by people, so every
    cell goes through :func:`spreadsheet_cell`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["name", "email", "overall"]
    for key, _ in RULES:
        header += [f"{key} state", f"{key} reason", f"{key} what to do"]
    writer.writerow(header)
    for r in results:
        row = [r.name, r.email, r.overall.label]
        for rule in r.rules:
            row += [rule.state.label + (" (override)" if rule.override else ""), rule.reason]
            row.append(rule.todo)
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


def cohort_json(results: Iterable[CandidateResult], *, as_of: str) -> dict[str, Any]:
    """Per candidate by email: each rule's state and reason, and the overall result."""
    return {
        "as_of": as_of,
        "candidates": {
            r.email or f"person-{r.person_id}": {
                "name": r.name,
                "overall": r.overall.value,
                "complete": r.passed,
                "rules": {
                    rule.rule: {
                        "state": rule.state.value,
                        "reason": rule.reason,
                        "todo": rule.todo,
                        **(
                            {"override": rule.override.justification, "computed": rule.computed}
                            if rule.override
                            else {}
                        ),
                    }
                    for rule in r.rules
                },
            }
            for r in results
        },
    }
