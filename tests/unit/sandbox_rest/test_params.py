"""Rails/Rack bracket parameter parsing (canvas-rest.md §0.1)."""

from __future__ import annotations

import pytest

from ctom_lti.sandbox.rest.params import ParameterTypeError, parse_pairs


def test_nested_hashes_and_arrays() -> None:
    parsed = parse_pairs(
        [
            ("course[name]", "Cohort"),
            ("course[settings][public]", "true"),
            ("module[prerequisite_module_ids][]", "1"),
            ("module[prerequisite_module_ids][]", "2"),
            ("student_ids[]", "all"),
            ("plain", "a"),
            ("plain", "b"),
        ]
    )
    assert parsed == {
        "course": {"name": "Cohort", "settings": {"public": "true"}},
        "module": {"prerequisite_module_ids": ["1", "2"]},
        "student_ids": ["all"],
        "plain": "b",
    }


def test_array_of_hashes_starts_a_new_element_when_a_key_repeats() -> None:
    parsed = parse_pairs(
        [
            ("ratings[][description]", "Exceeds"),
            ("ratings[][points]", "5"),
            ("ratings[][description]", "Meets"),
            ("ratings[][points]", "3"),
        ]
    )
    assert parsed == {
        "ratings": [
            {"description": "Exceeds", "points": "5"},
            {"description": "Meets", "points": "3"},
        ]
    }


def test_grade_data_keys_are_kept_as_strings() -> None:
    parsed = parse_pairs([("grade_data[17][posted_grade]", "pass")])
    assert parsed == {"grade_data": {"17": {"posted_grade": "pass"}}}


@pytest.mark.parametrize(
    "pairs",
    [
        [("a", "1"), ("a[b]", "2")],
        [("a[]", "1"), ("a[b]", "2")],
        [("a[b]", "1"), ("a[]", "2")],
    ],
)
def test_conflicting_shapes_are_refused(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(ParameterTypeError):
        parse_pairs(pairs)
