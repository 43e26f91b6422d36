"""The admin's pairing pages: import a file, propose, accept, end; refusals keep what was typed."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.pairing.models import Pairing
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

from .support import HEADER, PEOPLE


def _admin(lti: LaunchActions, client: FlaskClient) -> tuple[str, str]:
    home = str(landed(lti.launch("admin")))
    base = home + "pairing"
    page = client.get(base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    return base, token.group(1)


def _upload(client: FlaskClient, base: str, token: str, text: str) -> tuple[int, str]:
    response = client.post(
        base + "/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_admin_imports_proposes_accepts_and_sees_the_board(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    base, token = _admin(lti, client)
    bad = PEOPLE + "candidate,broken,,,,,,,,,\n"
    status, page = _upload(client, base, token, bad)
    assert status == 422
    assert "line 9 (broken): email &#39;broken&#39; is not an email address" in page
    assert "7 rows read, 7 people added or changed, 1 rows left out." in page

    assert client.post(base + "/propose", data={"csrf_token": token}).status_code == 302
    board = client.get(base).get_data(as_text=True)
    assert "4 proposals waiting for a decision" in board
    assert "+20 expertise: covers 2 of 2 growth areas: fiscal-management, infrastructure" in board
    assert "+-" not in board  # a load penalty reads "-4 load", not "+-4 load"

    assert client.post(base + "/accept-all", data={"csrf_token": token}).status_code == 302
    board = client.get(base).get_data(as_text=True)
    assert "No open proposals." in board
    assert "added: Elena Rivera mentors Alicia Moreno" in board  # changes since last push
    assert "Every candidate has an active mentor." in board
    mentors = client.get(base + "/mentors").get_data(as_text=True)
    assert "Wei Chen — not yet eligible" in mentors
    assert "Not yet shown: Able to supervise work-study" in mentors
    history = client.get(base + "/history").get_data(as_text=True)
    assert history.count("<td>accepted</td>") == 4


def test_a_racing_end_is_caught_and_the_reason_typed_is_kept(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    base, token = _admin(lti, client)
    _upload(client, base, token, PEOPLE)
    client.post(base + "/propose", data={"csrf_token": token})
    client.post(base + "/accept-all", data={"csrf_token": token})
    with session_scope(app) as s:
        pairing = s.scalars(select(Pairing).order_by(Pairing.id)).first()
        assert pairing is not None
        pid, version = pairing.id, pairing.version
    form = {"csrf_token": token, "version": str(version), "ended_on": "2027-01-15"}
    first = client.post(f"{base}/{pid}/end", data={**form, "reason": "Moved away"})
    assert first.status_code == 302
    second = client.post(f"{base}/{pid}/end", data={**form, "reason": "A different reason"})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else changed this pairing first" in page
    missing = client.post(f"{base}/{pid}/end", data={**form, "reason": "  "})
    assert missing.status_code == 422


def test_a_hand_pair_against_the_rules_is_refused_with_the_reason(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    base, token = _admin(lti, client)
    _upload(client, base, token, PEOPLE)
    with session_scope(app) as s:
        from ctom_lti.models import Person

        ids = {p.email: p.id for p in s.scalars(select(Person))}
    response = client.post(
        base + "/pair",
        data={
            "csrf_token": token,
            "candidate_id": ids["whitfield@fresno.example.org"],
            "mentor_id": ids["rivera@fresno.example.org"],
            "started_on": "2026-09-01",
        },
    )
    assert response.status_code == 422
    assert "conflict of interest: both work at Fresno Unified" in response.get_data(as_text=True)


def test_an_import_with_unknown_columns_names_them(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    base, token = _admin(lti, client)
    status, page = _upload(client, base, token, HEADER + ",favourite_colour\n")
    assert status == 422
    assert "unknown columns: favourite_colour" in page
