"""Who may open which portfolio page and take which action, files included: every role.

Cohort A: candidate (mentored by mentor) and candidate2 (by mentor2), an instructor and an
admin. The candidate has a shared reflection and an uploaded file. Only the candidate edits
(adds, changes and deletes evidence included);
their mentor and the cohort's staff read, comment and sign off; candidate2, mentor2 and the
instructor of another course get nothing — a guessed or reused file address included.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from tests.integration.tools.portfolio.support import (
    CONTEXT_B,
    Portfolios,
    arrange,
    csrf,
    launch_as,
)
from tests.lti_fixtures import LaunchActions

KEY = "project-management"
PDF = b"%PDF-1.4\nsecret evidence\n%%EOF\n"
READERS = {"candidate", "mentor", "instructor", "admin"}
EVERYONE = ["candidate", "candidate2", "mentor", "mentor2", "instructor", "admin"]


@pytest.fixture
def cohort(app: Flask, lti: LaunchActions, client: FlaskClient) -> tuple[Portfolios, int]:
    cohort = arrange(app, lti)
    launch_as(lti, "candidate")
    token = csrf(client, cohort.url(f"/reflection/{KEY}"))
    client.post(
        cohort.url(f"/reflection/{KEY}"),
        data={"csrf_token": token, "body": "Secret plan text", "version": 0, "action": "share"},
    )
    client.post(
        cohort.url("/artifacts"),
        data={
            "csrf_token": token,
            "kind": "file",
            "title": "Budget",
            "principles": KEY,
            "file": (io.BytesIO(PDF), "budget.pdf"),
        },
        content_type="multipart/form-data",
    )
    with session_scope(app) as s:
        artifact_id = s.scalars(select(Artifact.id)).one()
    return cohort, artifact_id


def _pages(cohort: Portfolios, artifact_id: int) -> dict[str, str]:
    owner = cohort.people["candidate"]
    return {
        "candidate map": cohort.url(f"/p/{owner}"),
        "review": cohort.url(f"/p/{owner}/reflection/{KEY}"),
        "file": cohort.url(f"/files/{artifact_id}"),
    }


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", ["candidate map", "review", "file"])
def test_reading_a_portfolio(
    lti: LaunchActions,
    client: FlaskClient,
    cohort: tuple[Portfolios, int],
    *,
    who: str,
    page: str,
) -> None:
    portfolios, artifact_id = cohort
    launch_as(lti, who)
    response = client.get(_pages(portfolios, artifact_id)[page])
    if who not in READERS:
        assert response.status_code == 404
        assert b"secret evidence" not in response.data
        assert b"Secret plan text" not in response.data
        return
    if who == "candidate" and page == "review":
        assert response.status_code == 302  # their own: the editor
        return
    assert response.status_code == 200
    if page == "file":
        assert response.data == PDF
    if page == "review":
        assert b"Secret plan text" in response.data


@pytest.mark.parametrize("who", EVERYONE)
def test_acting_on_a_portfolio(
    app: Flask,
    lti: LaunchActions,
    client: FlaskClient,
    cohort: tuple[Portfolios, int],
    who: str,
) -> None:
    portfolios, _ = cohort
    launch_as(lti, who)
    token = csrf(client, f"/c/{portfolios.cohort_id}/profile")
    review = _pages(portfolios, 0)["review"]
    commented = client.post(review + "/comment", data={"csrf_token": token, "body": "Hi"})
    signed = client.post(review + "/sign-off", data={"csrf_token": token, "version": 1})
    reviewer = who in {"mentor", "instructor", "admin"}
    assert commented.status_code == (302 if who in READERS else 404)
    assert signed.status_code == (302 if reviewer else (403 if who == "candidate" else 404))
    with session_scope(app) as s:
        reflection = s.scalars(select(Reflection)).one()
        assert reflection.status == ("signed_off" if reviewer else "shared")
        assert len(s.scalars(select(Comment)).all()) == (1 if who in READERS else 0)


@pytest.mark.parametrize("who", ["mentor", "instructor", "admin", "candidate2"])
def test_only_the_candidate_edits(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: tuple[Portfolios, int], who: str
) -> None:
    portfolios, _ = cohort
    launch_as(lti, who)
    token = csrf(client, f"/c/{portfolios.cohort_id}/profile")
    # Someone else's save lands on their own portfolio (or is refused): never the candidate's.
    client.post(
        portfolios.url(f"/reflection/{KEY}"),
        data={"csrf_token": token, "body": "overwritten", "version": 2},
    )
    with session_scope(app) as s:
        theirs = s.scalars(
            select(Reflection).where(
                Reflection.candidate_person_id == portfolios.people["candidate"]
            )
        ).one()
        assert theirs.body == "Secret plan text"


CHANGES = ["edit page", "edit", "delete page", "delete", "add submission"]
#: What the candidate gets: the pages, the changes made; a submission cannot be checked here (no
#: Canvas token is stored for this registration), so nothing is added and the page says why.
OWNER = {"edit page": 200, "edit": 302, "delete page": 200, "delete": 302, "add submission": 503}
#: candidate2 acts on the candidate's artifact: it does not exist for them; their own add is
#: their own portfolio's business.
OTHER_CANDIDATE = {**dict.fromkeys(CHANGES, 404), "add submission": 503}


def _change(client: FlaskClient, portfolios: Portfolios, artifact_id: int, action: str) -> int:
    token = csrf(client, f"/c/{portfolios.cohort_id}/profile")
    base = portfolios.url(f"/artifacts/{artifact_id}")
    if action == "edit page":
        return client.get(base + "/edit").status_code
    if action == "delete page":
        return client.get(base + "/delete").status_code
    if action == "edit":
        data = {"csrf_token": token, "version": 1, "title": "Hijacked", "principles": KEY}
        return client.post(base + "/edit", data=data).status_code
    if action == "delete":
        return client.post(base + "/delete", data={"csrf_token": token, "version": 1}).status_code
    data = {"csrf_token": token, "kind": "canvas_submission", "submission": "1:1",
            "title": "Forged", "principles": KEY}  # fmt: skip
    return client.post(portfolios.url("/artifacts"), data=data).status_code


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action", CHANGES)
def test_changing_evidence(
    app: Flask,
    lti: LaunchActions,
    client: FlaskClient,
    cohort: tuple[Portfolios, int],
    *,
    who: str,
    action: str,
) -> None:
    portfolios, artifact_id = cohort
    launch_as(lti, who)
    expected = OWNER if who == "candidate" else OTHER_CANDIDATE if who == "candidate2" else None
    assert _change(client, portfolios, artifact_id, action) == (
        expected[action] if expected else 403
    )
    with session_scope(app) as s:
        artifacts = s.scalars(select(Artifact)).all()
        if who == "candidate" and action == "delete":
            assert artifacts == []
            return
        assert len(artifacts) == 1
        edited = who == "candidate" and action == "edit"
        assert artifacts[0].title == ("Hijacked" if edited else "Budget")


def test_staff_of_another_course_see_nothing(
    lti: LaunchActions, client: FlaskClient, cohort: tuple[Portfolios, int]
) -> None:
    portfolios, artifact_id = cohort
    other = launch_as(lti, "instructor", context_id=CONTEXT_B)
    assert other != portfolios.cohort_id
    for url in _pages(portfolios, artifact_id).values():
        assert client.get(url).status_code == 403
    # The same file id under their own course's address is not theirs either.
    assert client.get(f"/c/{other}/portfolio/files/{artifact_id}").status_code == 404
