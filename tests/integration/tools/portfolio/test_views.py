"""A candidate writes, shares and gets a reflection signed off; racing edits are caught; bad
input keeps what was typed; the coverage map and heat map show the state."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import AuditEvent
from ctom_lti.tools.portfolio.models import Reflection
from tests.integration.tools.portfolio.support import Portfolios, arrange, csrf, launch_as
from tests.lti_fixtures import LaunchActions

KEY = "security-fundamentals"


@pytest.fixture
def cohort(app: Flask, lti: LaunchActions) -> Portfolios:
    return arrange(app, lti)


def _save(
    client: FlaskClient, cohort: Portfolios, body: str, version: int, action: str = "save"
) -> tuple[int, str]:
    token = csrf(client, cohort.url(f"/reflection/{KEY}"))
    response = client.post(
        cohort.url(f"/reflection/{KEY}"),
        data={"csrf_token": token, "body": body, "version": version, "action": action},
        follow_redirects=True,
    )
    return response.status_code, response.get_data(as_text=True)


def test_write_share_comment_sign_off_and_reopen(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    status, page = _save(client, cohort, "I *led* the **firewall** review.", 0)
    assert status == 200 and "Draft saved." in page
    status, page = _save(client, cohort, "I *led* the **firewall** review.", 1, "share")
    assert status == 200 and "Shared with your mentor and instructors." in page

    launch_as(lti, "mentor")
    review_url = cohort.url(f"/p/{cohort.people['candidate']}/reflection/{KEY}")
    page = client.get(review_url).get_data(as_text=True)
    assert "<em>led</em>" in page and "<strong>firewall</strong>" in page
    token = csrf(client, review_url)
    client.post(review_url + "/comment", data={"csrf_token": token, "body": "Add the budget."})
    signed = client.post(
        review_url + "/sign-off", data={"csrf_token": token, "version": 2}, follow_redirects=True
    )
    assert "Signed off. The reflection is now locked." in signed.get_data(as_text=True)

    launch_as(lti, "candidate")
    page = client.get(cohort.url(f"/reflection/{KEY}")).get_data(as_text=True)
    assert "signed off, locked" in page and "Add the budget." in page
    assert 'id="reflection-form"' not in page
    status, page = _save(client, cohort, "sneaky edit", 3)
    assert status == 422
    assert "signed off and locked" in page

    launch_as(lti, "instructor")  # not the signer: cannot reopen
    token = csrf(client, review_url)
    no = client.post(
        review_url + "/reopen", data={"csrf_token": token, "version": 3, "reason": "x"}
    )
    assert no.status_code == 422
    launch_as(lti, "mentor")
    token = csrf(client, review_url)
    client.post(
        review_url + "/reopen", data={"csrf_token": token, "version": 3, "reason": "Cite it"}
    )
    with session_scope(app) as s:
        reflection = s.scalars(select(Reflection)).one()
        assert (reflection.status, reflection.reopened_reason) == ("shared", "Cite it")
        actions = s.scalars(select(AuditEvent.action)).all()
        assert "portfolio.reflection.signed_off" in actions
        assert "portfolio.reflection.reopened" in actions


def test_a_racing_edit_gets_409_with_both_versions(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    _save(client, cohort, "First tab text", 0)
    status, page = _save(client, cohort, "Second tab text", 0)
    assert status == 409
    assert "First tab text" in page and "Second tab text" in page
    assert "Nothing was overwritten" in page


def test_autosave_answers_json_with_the_new_version(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    token = csrf(client, cohort.url(f"/reflection/{KEY}"))
    answer = client.post(
        cohort.url(f"/reflection/{KEY}"),
        data={"csrf_token": token, "body": "typing", "version": 0},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200 and answer.get_json()["version"] == 1
    stale = client.post(
        cohort.url(f"/reflection/{KEY}"),
        data={"csrf_token": token, "body": "typing more", "version": 0},
        headers={"Accept": "application/json"},
    )
    assert stale.status_code == 409 and stale.get_json()["refused"] == "stale"


def test_hostile_markdown_is_shown_harmless(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    hostile = (
        '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
        "\n\n<svg onload=alert(1)>"
    )
    _save(client, cohort, hostile, 0, "share")
    launch_as(lti, "mentor")
    page = client.get(cohort.url(f"/p/{cohort.people['candidate']}/reflection/{KEY}"))
    text = page.get_data(as_text=True)
    assert "<script>alert" not in text and "<img" not in text and "<svg" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown as the text it is
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", text)  # no event attribute on any tag
    assert not re.search(r"href=[\"']?\s*javascript:", text, re.IGNORECASE)


def test_coverage_map_and_heat_map(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    _save(client, cohort, "Shared text", 0, "share")
    page = client.get(cohort.url()).get_data(as_text=True)
    assert "<h1>Your portfolio</h1>" in page
    assert "0 of 16 principles signed off, 1 shared for review" in page
    assert "<caption>Coverage of the 16 principles</caption>" in page
    launch_as(lti, "instructor")
    page = client.get(cohort.url()).get_data(as_text=True)
    assert "status on each principle</caption>" in page
    assert page.count("Shared for review</a>") == 1
    launch_as(lti, "mentor2")
    page = client.get(cohort.url()).get_data(as_text=True)
    assert cohort.url(f"/p/{cohort.people['candidate2']}") in page
    assert cohort.url(f"/p/{cohort.people['candidate']}") not in page
