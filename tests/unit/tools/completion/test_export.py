"""The cohort table's CSV: what a spreadsheet opening it would show."""

from __future__ import annotations

import csv
import io

from ctom_lti.tools.completion.export import csv_text
from ctom_lti.tools.completion.results import CandidateResult, Overall, RuleResult, State


def test_a_name_or_reason_typed_as_a_formula_stays_text_in_the_csv() -> None:
    result = CandidateResult(
        person_id=1,
        name='=HYPERLINK("https://evil.example","Alicia")',
        email="alicia@example.edu",
        overall=Overall.NOT_COMPLETE,
        rules=(
            RuleResult("attendance", State.NOT_MET, "+1 session missed", "@ask the instructor"),
        ),
    )
    rows = list(csv.reader(io.StringIO(csv_text([result]))))
    assert rows[1][0] == '\'=HYPERLINK("https://evil.example","Alicia")'
    assert rows[1][1] == "alicia@example.edu"
    assert rows[1][3:6] == ["not met", "'+1 session missed", "'@ask the instructor"]
