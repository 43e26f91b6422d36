"""Who may open which report page and take which action: every role, page and action.

Cohort A has two mentors and two candidates, each pair active, with reports since the term began.
A mentor opens and writes only their own mentee's reports; a candidate reads only the shared parts
of their own submitted reports; instructors and admins of cohort A read and review all; staff of
another course, and an admin of another Canvas tenant, see nothing of A.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.reports.models import ProgressReport
from tests.integration.tools.reports.conftest import CONTEXT_A, CONTEXT_B, World, csrf, launch
from tests.lti_fixtures import LaunchActions, Registered, register
from tests.lti_support import TestPlatform

ROLES = ("mentor", "mentor2", "candidate", "candidate2", "instructor", "admin")
PAGES = ("", "/print")
ACTIONS = ("", "/autosave", "/review")


def _submit(app: Flask, world: World) -> None:
    with session_scope(app) as s:
        report = s.get_one(ProgressReport, world.report_id)
        report.status, report.submissions = "submitted", 1
        report.content = {"strengths": "Shared strength", "concerns": "Private concern"}
        report.shared = ["strengths"]


def _state(app: Flask, world: World) -> tuple[str, int]:
    with session_scope(app) as s:
        report = s.get_one(ProgressReport, world.report_id)
        return report.status, report.version


def test_the_reports_page_is_open_to_every_programme_role(
    lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    for who in ROLES:
        launch(lti, who)
        page = client.get(f"/c/{world.cohort_id}/reports")
        assert page.status_code == 200, who
        text = page.get_data(as_text=True)
        link = f"/c/{world.cohort_id}/reports/{world.report_id}"
        # Only the report's own mentor is offered the open report in their list.
        assert (link in text) == (who == "mentor"), who


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("submitted", [False, True])
def test_report_pages_by_role(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World, *, who: str, page: str,
    submitted: bool,
) -> None:  # fmt: skip
    if submitted:
        _submit(app, world)
    launch(lti, who)
    response = client.get(f"/c/{world.cohort_id}/reports/{world.report_id}{page}")
    may_read = who in {"mentor", "instructor", "admin"} or (who == "candidate" and submitted)
    assert response.status_code == (200 if may_read else 404), who
    text = response.get_data(as_text=True)
    if submitted and may_read:
        assert "Shared strength" in text
        assert ("Private concern" in text) == (who != "candidate")
    if not may_read:
        assert "Shared strength" not in text


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions_by_role(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World, *, who: str, action: str
) -> None:
    if action == "/review":
        _submit(app, world)
    before = _state(app, world)
    launch(lti, who)
    token = csrf(client, f"/c/{world.cohort_id}/profile")
    response = client.post(
        f"/c/{world.cohort_id}/reports/{world.report_id}{action}",
        data={
            "csrf_token": token,
            "version": str(before[1]),
            "action": "save",
            "strengths": "Written by " + who,
            "decision": "return",
            "comment": "Please revise",
        },
    )
    allowed = (who == "mentor" and action != "/review") or (
        who in {"instructor", "admin"} and action == "/review"
    )
    if allowed:
        assert response.status_code in {200, 302}, (who, action)
        assert _state(app, world) != before
        return
    assert response.status_code in {403, 404}, (who, action, response.status_code)
    assert _state(app, world) == before


@pytest.mark.parametrize("page", ["", "/print"])
def test_staff_of_another_cohort_or_tenant_see_nothing(
    app: Flask,
    client: FlaskClient,
    lti: LaunchActions,
    test_platform: TestPlatform,
    world: World,
    *,
    registered: Registered,
    page: str,
) -> None:
    _submit(app, world)
    url = f"/c/{world.cohort_id}/reports/{world.report_id}{page}"
    other = launch(lti, "instructor", context_id=CONTEXT_B)
    assert other != world.cohort_id
    assert client.get(url).status_code == 403
    assert client.get(f"/c/{world.cohort_id}/reports").status_code == 403
    stranger = register(app, test_platform, client_id="20000000000002", deployment_ids=("9:x",))
    LaunchActions(client, test_platform, stranger).launch("admin", context_id=CONTEXT_A)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Shared strength" not in refused.get_data(as_text=True)
    with session_scope(app) as s:
        assert len(s.scalars(select(ProgressReport)).all()) > 0


@pytest.mark.parametrize(
    ("who", "card"),
    [
        ("mentor", "Monthly reports"),
        ("candidate", "Your mentor&#39;s reports"),
        ("instructor", "Monthly mentor reports"),
    ],
)
def test_home_cards(
    lti: LaunchActions, client: FlaskClient, world: World, *, who: str, card: str
) -> None:
    launch(lti, who)
    home = client.get(f"/c/{world.cohort_id}/").get_data(as_text=True)
    assert card in home
    if who == "mentor":
        assert "reports to write" in home
