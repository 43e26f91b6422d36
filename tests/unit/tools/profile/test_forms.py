"""The programme profile form: what was typed in, clean values or one message per field out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.profile.forms import ProfileForm
from ctom_lti.tools.profile.rules import ProfileValues

KEYS = [p.key for p in load_curriculum().principles]
GOOD: dict[str, Any] = {
    "district": "  Fresno   Unified ",
    "job_title": "Director of Technology",
    "years_in_leadership": "7",
    "expertise": ("infrastructure", "security-fundamentals", "infrastructure"),
    "bio": "Line one\r\nLine two\x00",
    "version": "3",
}


@pytest.fixture(autouse=True)
def _request() -> Iterator[None]:
    """Flask-WTF forms live in a request; no database or launch is needed."""
    with Flask(__name__).test_request_context(method="POST"):
        yield


@dataclass(frozen=True)
class Checked:
    values: ProfileValues | None
    errors: Mapping[str, str] = field(default_factory=dict)
    version: int = 0


def validate_profile(typed: Mapping[str, Any], keys: list[str]) -> Checked:
    """Post ``typed`` to the form as a browser would (``keys`` is what the form offers)."""
    assert keys == [p.key for p in load_curriculum().principles]
    formdata: MultiDict[str, Any] = MultiDict()
    for name, value in typed.items():
        for item in value if isinstance(value, tuple) else (value,):
            formdata.add(name, item)
    form = ProfileForm(formdata=formdata)
    if not form.validate():
        return Checked(None, form.first_errors())
    return Checked(form.values(), version=form.expected_version)


def test_valid_form_is_cleaned() -> None:
    result = validate_profile(GOOD, KEYS)
    assert result.values is not None
    assert result.values.district == "Fresno Unified"
    assert result.values.years_in_leadership == 7
    # curriculum order, no duplicates
    assert result.values.expertise == ("security-fundamentals", "infrastructure")
    assert result.values.bio == "Line one\nLine two"
    assert result.version == 3


def test_every_problem_is_reported_per_field() -> None:
    bad = {
        "district": " ",
        "job_title": "x" * 201,
        "years_in_leadership": "seven",
        "expertise": ("not-a-principle",),
        "bio": "b" * 4001,
        "version": "abc",
    }
    result = validate_profile(bad, KEYS)
    assert result.values is None
    assert set(result.errors) == {
        "district",
        "job_title",
        "years_in_leadership",
        "expertise",
        "bio",
        "version",
    }
    assert "district" in result.errors["district"]
    assert "4001" in result.errors["bio"]


def test_years_bounds() -> None:
    def years(raw: str) -> str | None:
        return validate_profile({**GOOD, "years_in_leadership": raw}, KEYS).errors.get(
            "years_in_leadership"
        )

    assert years("0") is None
    assert years("60") is None
    assert years("61") == "Enter at most 60 years."
    assert years("-1") is not None
    assert years("٣") is not None  # non-ASCII digits are not accepted as a number
    assert years("") is not None
