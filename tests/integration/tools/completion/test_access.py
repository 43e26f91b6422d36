"""Who may open which completion page and take which action: every role, page and action.

Cohort A has two candidates, a mentor, an instructor and an admin. A candidate sees only their own
checklist; instructors and admins see the cohort table, a candidate's page and the snapshots; only
admins override a rule or freeze a snapshot; staff of another course see nothing of A.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ctom_lti.db import session_scope
from ctom_lti.models import AuditEvent, Person
from ctom_lti.tools.completion.models import CompletionOverride, CompletionSnapshot
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

CONTEXT_A = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
CONTEXT_B = "0000000000000000000000000000000000000b0b"
SUBS = {
    "mentor": "mentor01-0000-4000-8000-000000000001",
    "candidate": "candid01-0000-4000-8000-000000000003",
    "candidate2": "candid02-0000-4000-8000-000000000004",
    "instructor": "instru01-0000-4000-8000-000000000005",
    "admin": "adminxx1-0000-4000-8000-000000000006",
}
ROLES = ("mentor", "candidate", "instructor", "admin")
#: page → who may open it
PAGES = {
    "": {"candidate", "instructor", "admin"},
    "/export.csv": {"instructor", "admin"},
    "/candidates/{candidate}": {"instructor", "admin"},
    "/snapshots": {"instructor", "admin"},
}
#: POST action → who may take it
ACTIONS = {
    "/candidates/{candidate}/override": {"admin"},
    "/snapshots": {"admin"},
}


def _launch(lti: LaunchActions, who: str, context_id: str = CONTEXT_A) -> int:
    role = who.rstrip("2")
    location = landed(lti.launch(role, sub=SUBS[who], context_id=context_id))
    match = re.search(r"/c/(\d+)/", str(location))
    assert match
    return int(match.group(1))


@pytest.fixture
def cohort_a(lti: LaunchActions) -> int:
    ids = {who: _launch(lti, who) for who in SUBS}
    return ids["admin"]


def _ids(app: Flask) -> dict[str, int]:
    with session_scope(app) as s:
        return {
            who: s.scalars(select(Person.id).where(Person.sub == sub)).one()
            for who, sub in SUBS.items()
        }


def _csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, page: str
) -> None:
    ids = _ids(app)
    _launch(lti, who)
    response = client.get(f"/c/{cohort_a}/completion" + page.format(**ids))
    if who not in PAGES[page]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if page == "" and who == "candidate":
        assert "Your programme completion" in text
        assert "candid02" not in text
        # No Canvas course yet: the gradebook rules say so instead of "not met".
        assert "The Canvas gradebook could not be read" in text
        assert "not available" in text
    if page == "" and who != "candidate":
        assert "candid01@example.edu" in text and "candid02@example.edu" in text
        assert "mentor01" not in text
    if page == "/export.csv":
        assert response.mimetype == "text/csv"
        assert text.startswith("name,email,overall,assignments state")
        assert text.count("\r\n") == 3


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions_by_role(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, action: str
) -> None:
    ids = _ids(app)
    _launch(lti, who)
    token = _csrf(client, f"/c/{cohort_a}/profile")
    response = client.post(
        f"/c/{cohort_a}/completion" + action.format(**ids),
        data={
            "csrf_token": token,
            "rule": "attendance",
            "justification": "Attended the make-up session in June.",
            "version": "0",
        },
    )
    with session_scope(app) as s:
        overrides = s.scalar(select(func.count()).select_from(CompletionOverride))
        snapshots = s.scalar(select(func.count()).select_from(CompletionSnapshot))
    if who not in ACTIONS[action]:
        assert response.status_code == 403
        assert (overrides, snapshots) == (0, 0)
        return
    assert response.status_code == 302
    assert (overrides, snapshots) == ((1, 0) if "override" in action else (0, 1))


def test_an_override_is_shown_with_its_justification_wherever_the_result_is(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    ids = _ids(app)
    _launch(lti, "admin")
    url = f"/c/{cohort_a}/completion/candidates/{ids['candidate']}"
    token = _csrf(client, url)
    short = client.post(
        url + "/override",
        data={"csrf_token": token, "rule": "attendance", "justification": "ok", "version": "0"},
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert ">ok</textarea>" in short.get_data(as_text=True)
    reason = "Attended the make-up session in June."
    saved = client.post(
        url + "/override",
        data={"csrf_token": token, "rule": "attendance", "justification": reason, "version": "0"},
    )
    assert saved.status_code == 302
    assert reason in client.get(url).get_data(as_text=True)
    assert reason in client.get(f"/c/{cohort_a}/completion").get_data(as_text=True)
    assert reason in client.get(f"/c/{cohort_a}/completion/export.csv").get_data(as_text=True)
    # Another admin's page still showed version 0: refused, their text kept.
    stale = client.post(
        url + "/override",
        data={"csrf_token": token, "rule": "attendance", "justification": "Mine instead.",
              "version": "0"},
    )  # fmt: skip
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Mine instead." in page and reason in page
    _launch(lti, "candidate")
    mine = client.get(f"/c/{cohort_a}/completion").get_data(as_text=True)
    assert reason in mine and "(override)" in mine
    with session_scope(app) as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "completion.override" in actions


def test_a_frozen_snapshot_is_shown_unchanged_and_verifies(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    _launch(lti, "admin")
    url = f"/c/{cohort_a}/completion/snapshots"
    token = _csrf(client, url)
    frozen = client.post(url, data={"csrf_token": token, "note": "Commencement decision"})
    assert frozen.status_code == 302
    shown = client.get(str(frozen.headers["Location"])).get_data(as_text=True)
    assert "Commencement decision" in shown and "0 of 2" in shown
    with session_scope(app) as s:
        row = s.scalars(select(CompletionSnapshot)).one()
        snapshot_id, digest = row.id, row.inputs_sha256
    verified = client.post(f"{url}/{snapshot_id}/verify", data={"csrf_token": token})
    assert verified.status_code == 200
    assert "Verified." in verified.get_data(as_text=True)
    assert digest in verified.get_data(as_text=True)
    # Someone edits the stored inputs: verification says so.
    with session_scope(app) as s:
        stored = s.get(CompletionSnapshot, snapshot_id)
        assert stored is not None
        stored.inputs = stored.inputs.replace('"withdrawn":false', '"withdrawn":true', 1)
    tampered = client.post(f"{url}/{snapshot_id}/verify", data={"csrf_token": token})
    assert "Verification failed." in tampered.get_data(as_text=True)


@pytest.mark.parametrize("page", [*PAGES, "/snapshots/1"])
def test_staff_of_another_cohort_see_nothing(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, page: str
) -> None:
    ids = _ids(app)
    other = _launch(lti, "instructor", context_id=CONTEXT_B)
    assert other != cohort_a
    response = client.get(f"/c/{cohort_a}/completion" + page.format(**ids))
    assert response.status_code == 403
    assert "candid01" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "card"),
    [
        ("candidate", "Your completion checklist"),
        ("instructor", "no snapshot frozen yet"),
        ("mentor", None),
    ],
)
def test_home_cards_open_completion(
    lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, card: str | None
) -> None:
    _launch(lti, who)
    home = client.get(f"/c/{cohort_a}/").get_data(as_text=True)
    if card is None:
        assert "completion" not in home.lower()
    else:
        assert card in home
        assert f"/c/{cohort_a}/completion" in home


def test_the_staff_card_names_the_last_snapshot(
    lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    _launch(lti, "admin")
    token = _csrf(client, f"/c/{cohort_a}/completion/snapshots")
    client.post(f"/c/{cohort_a}/completion/snapshots", data={"csrf_token": token})
    home = client.get(f"/c/{cohort_a}/").get_data(as_text=True)
    assert "0 of 2 candidates complete." in home
