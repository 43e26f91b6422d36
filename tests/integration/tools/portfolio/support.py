"""A cohort for the portfolio tests: two candidates, each with an active mentor, an instructor
and an admin, everyone launched once; plus helpers to act as one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Person
from ctom_lti.tools.pairing.models import Pairing
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

CONTEXT_A = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
CONTEXT_B = "0000000000000000000000000000000000000b0b"
SUBS = {
    "mentor": "mentor01-0000-4000-8000-000000000001",
    "mentor2": "mentor02-0000-4000-8000-000000000002",
    "candidate": "candid01-0000-4000-8000-000000000003",
    "candidate2": "candid02-0000-4000-8000-000000000004",
    "instructor": "instru01-0000-4000-8000-000000000005",
    "admin": "adminxx1-0000-4000-8000-000000000006",
}


@dataclass(frozen=True)
class Portfolios:
    cohort_id: int
    people: dict[str, int]

    def url(self, path: str = "") -> str:
        return f"/c/{self.cohort_id}/portfolio{path}"


def launch_as(lti: LaunchActions, who: str, context_id: str = CONTEXT_A) -> int:
    role = who.rstrip("2")
    location = landed(lti.launch(role, sub=SUBS[who], context_id=context_id))
    assert isinstance(location, str)
    match = re.search(r"/c/(\d+)/", location)
    assert match
    return int(match.group(1))


def arrange(app: Flask, lti: LaunchActions) -> Portfolios:
    """Everyone launches into cohort A once; mentor → candidate, mentor2 → candidate2."""
    cohort_id = 0
    for who in SUBS:
        cohort_id = launch_as(lti, who)
    with session_scope(app) as s:
        people = {
            who: s.scalars(select(Person).where(Person.sub == sub)).one().id
            for who, sub in SUBS.items()
        }
        for candidate, mentor in (("candidate", "mentor"), ("candidate2", "mentor2")):
            s.add(
                Pairing(
                    cohort_id=cohort_id,
                    mentor_person_id=people[mentor],
                    candidate_person_id=people[candidate],
                    status="active",
                    origin="hand",
                    started_on=date(2026, 9, 1),
                )
            )
    return Portfolios(cohort_id, people)


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no form on {url}"
    return found.group(1)


def version_on(page: str, form_action_part: str = "") -> int:
    found = re.search(r'name="version"[^>]*value="(\d+)"', page)
    assert found
    return int(found.group(1))
