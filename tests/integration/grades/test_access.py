"""Who may open the grade outbox page and press Retry: staff of the cohort only."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.grades import ColumnSpec, GradePost, enqueue_pass_fail
from ctom_lti.grades.rules import PostState
from ctom_lti.models import Person
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

CONTEXT_A = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
CONTEXT_B = "0000000000000000000000000000000000000b0b"
SUBS = {
    "candidate": "candid01-0000-4000-8000-000000000003",
    "mentor": "mentor01-0000-4000-8000-000000000001",
    "instructor": "instru01-0000-4000-8000-000000000005",
    "admin": "adminxx1-0000-4000-8000-000000000006",
}


def _launch(lti: LaunchActions, who: str, context_id: str = CONTEXT_A) -> int:
    location = landed(lti.launch(who, sub=SUBS[who], context_id=context_id))
    match = re.search(r"/c/(\d+)/", str(location))
    assert match
    return int(match.group(1))


@pytest.fixture
def failed_post(app: Flask, lti: LaunchActions) -> tuple[int, int]:
    """Cohort A with one failed post for its candidate."""
    ids = {who: _launch(lti, who) for who in SUBS}
    cohort_id = ids["admin"]
    with session_scope(app) as s:
        candidate = s.scalars(select(Person).where(Person.sub == SUBS["candidate"])).one()
        post = enqueue_pass_fail(
            s,
            cohort_id=cohort_id,
            column=ColumnSpec("ctom-portfolio", "Portfolio"),
            person_id=candidate.id,
            passed=True,
            source="portfolio",
        )
        post.state = PostState.FAILED.value
        post.last_error = "Canvas refused to record a grade: the course is concluded"
        post_id = post.id
    return cohort_id, post_id


def _csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("who", ["candidate", "mentor", "instructor", "admin"])
def test_only_staff_open_the_page(
    lti: LaunchActions, client: FlaskClient, failed_post: tuple[int, int], who: str
) -> None:
    cohort_id, _ = failed_post
    _launch(lti, who)
    response = client.get(f"/c/{cohort_id}/grades")
    if who in {"candidate", "mentor"}:
        assert response.status_code == 403
        assert "course is concluded" not in response.get_data(as_text=True)
        return
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "the course is concluded" in text
    assert "Retry all 1 failed" in text


@pytest.mark.parametrize("who", ["candidate", "mentor"])
def test_participants_cannot_retry(
    app: Flask, lti: LaunchActions, client: FlaskClient, failed_post: tuple[int, int], who: str
) -> None:
    cohort_id, post_id = failed_post
    _launch(lti, who)
    token = _csrf(client, f"/c/{cohort_id}/profile")
    response = client.post(f"/c/{cohort_id}/grades/retry", data={"csrf_token": token})
    assert response.status_code == 403
    with session_scope(app) as s:
        assert s.get(GradePost, post_id).state == "failed"  # type: ignore[union-attr]


def test_staff_of_another_cohort_see_nothing(
    lti: LaunchActions, client: FlaskClient, failed_post: tuple[int, int]
) -> None:
    cohort_id, _ = failed_post
    assert _launch(lti, "instructor", context_id=CONTEXT_B) != cohort_id
    response = client.get(f"/c/{cohort_id}/grades")
    assert response.status_code == 403
    assert "course is concluded" not in response.get_data(as_text=True)
