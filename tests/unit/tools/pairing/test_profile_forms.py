"""The pairing profile forms: what was typed in, clean values or one message per field out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.pairing.profile_forms import (
    CandidateProfileForm,
    MentorProfileForm,
    candidate_values,
    mentor_values,
)
from ctom_lti.tools.pairing.rules import QUALIFICATIONS

KEYS = [p.key for p in load_curriculum().principles]


@pytest.fixture(autouse=True)
def _request() -> Iterator[None]:
    """Flask-WTF forms live in a request; no database or launch is needed."""
    with Flask(__name__).test_request_context(method="POST"):
        yield


def _mentor(**changes: Any) -> MultiDict[str, Any]:
    data: dict[str, Any] = {
        "organisation": "  Fresno   Unified ",
        "position": "CTO",
        "region": "north",
        "years": "15",
        "expertise": [KEYS[3], KEYS[0]],
        "capacity": "2",
        "availability": " Mondays \n",
        "met_hands_on": "y",
        "evidence_hands_on": "Ran the network",
        "version": "2",
        "base_version": "5",
    }
    data.update(changes)
    return MultiDict(
        [(k, v) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])]
    )


def test_a_mentor_form_gives_clean_values_in_curriculum_order() -> None:
    form = MentorProfileForm(formdata=_mentor())
    assert form.validate(), form.errors
    values = mentor_values(form)
    assert (values.organisation, values.region, values.years, values.capacity) == (
        "Fresno Unified",
        "north",
        15,
        2,
    )
    assert values.expertise == (KEYS[0], KEYS[3])
    assert values.availability == "Mondays"
    assert values.qualifications["hands_on"] == (True, "Ran the network")
    assert values.qualifications["work_study"] == (False, "")
    assert set(values.qualifications) == set(QUALIFICATIONS)
    assert form.expected == (2, 5)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("organisation", "  ", "Enter your district, county office or organisation."),
        ("position", "", "Enter your position."),
        ("years", "ten", "Enter the years as a whole number from 0 to 60."),
        ("capacity", "11", "Enter the capacity as a whole number from 0 to 10."),
        ("region", "east", "Choose Northern or Southern California, or leave it not given."),
        ("expertise", ["not-a-principle"], "Choose principles from the list."),
        (
            "evidence_time",
            "x" * 4001,
            "Keep this under 4000 characters; shorten it and save again.",
        ),
        ("version", "v2", "The form is out of date; reload the page."),
    ],
)
def test_a_mentor_form_says_what_to_fix(field: str, typed: Any, message: str) -> None:
    form = MentorProfileForm(formdata=_mentor(**{field: typed}))
    assert not form.validate()
    assert form.first_errors() == {field: message}


def test_a_candidate_form_gives_people_as_ids() -> None:
    form = CandidateProfileForm(
        formdata=MultiDict(
            [
                ("organisation", "Kern High"),
                ("region", ""),
                ("years", "3"),
                ("nominated", "y"),
                ("growth_areas", KEYS[1]),
                ("preferred_mentors", "7"),
                ("preferred_mentors", "7"),
                ("conflicts", "9"),
                ("version", "0"),
                ("base_version", "0"),
            ]
        )
    )
    assert form.validate(), form.errors
    values = candidate_values(form)
    assert (values.region, values.nominated, values.growth_areas) == (None, True, (KEYS[1],))
    assert (values.preferred_mentor_ids, values.conflict_ids) == ((7,), (9,))
    bad = CandidateProfileForm(
        formdata=MultiDict([("organisation", "K"), ("years", "3"), ("conflicts", "x")])
    )
    assert not bad.validate()
    assert bad.first_errors() == {"conflicts": "Choose people from the list."}
