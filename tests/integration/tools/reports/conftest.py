"""A cohort whose people have launched once, with a calendar that began a few months ago and
each candidate actively paired since its first day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope, utcnow
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.service import sync_schedule
from tests.integration.tools.reports.support import make_pairing
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
class World:
    cohort_id: int
    people: dict[str, int]
    #: The mentor's oldest report on their mentee (the month the term began).
    report_id: int
    term_start: date


def launch(lti: LaunchActions, who: str, context_id: str = CONTEXT_A) -> int:
    """Launch as ``who``; the cohort id the launch landed in."""
    role = who.rstrip("2")
    location = landed(lti.launch(role, sub=SUBS[who], context_id=context_id))
    match = re.search(r"/c/(\d+)/", str(location))
    assert match
    return int(match.group(1))


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


@pytest.fixture
def world(app: Flask, lti: LaunchActions) -> World:
    ids = {who: launch(lti, who) for who in SUBS}
    cohort_id = ids["admin"]
    term_start = (utcnow().date() - timedelta(days=75)).replace(day=12)
    with session_scope(app) as s:
        people = {
            who: s.scalars(select(Person).where(Person.sub == sub)).one().id
            for who, sub in SUBS.items()
        }
        cohort = s.get(Cohort, cohort_id)
        assert cohort is not None
        cohort.time_zone, cohort.term_start = "America/Los_Angeles", term_start
        cohort.term_end = term_start + timedelta(days=250)
        for mentor, candidate in (("mentor", "candidate"), ("mentor2", "candidate2")):
            make_pairing(
                s,
                cohort,
                s.get_one(Person, people[mentor]),
                s.get_one(Person, people[candidate]),
                started_on=term_start,
            )
        sync_schedule(s, cohort_id, default_due_day=5, now=utcnow())
        first = s.scalars(
            select(ProgressReport)
            .where(ProgressReport.mentor_person_id == people["mentor"])
            .order_by(ProgressReport.month)
        ).first()
        assert first is not None
        report_id = first.id
    return World(cohort_id, people, report_id, term_start)
