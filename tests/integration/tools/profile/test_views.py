"""The programme profile form: validation errors keep what was typed; racing edits give 409."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.profile.models import ProgrammeProfile
from tests.lti_fixtures import LaunchActions
from tests.lti_support import TestPlatform, landed


def form_of(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(csrf_token|version)" value="([^"]*)"', page))
    return fields


def open_profile(lti: LaunchActions, **kwargs: object) -> tuple[str, dict[str, str]]:
    home = landed(lti.launch("candidate", **kwargs))  # type: ignore[arg-type]
    url = home + "profile"
    return url, form_of(lti.client.get(url).get_data(as_text=True))


def test_new_profile_is_saved_and_shown_again(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    url, hidden = open_profile(lti)
    assert hidden["version"] == "0"
    response = client.post(
        url,
        data={
            **hidden,
            "district": "Fresno Unified",
            "job_title": "Director of Technology",
            "years_in_leadership": "12",
            "expertise": ["infrastructure", "fiscal-management"],
            "bio": "Twenty years in schools.",
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="Fresno Unified"' in page
    assert 'id="exp-infrastructure" value="infrastructure" checked' in page
    assert 'name="version" value="1"' in page
    with session_scope(app) as s:
        profile = s.scalars(select(ProgrammeProfile)).one()
        assert profile.expertise == ["infrastructure", "fiscal-management"]
        assert profile.years_in_leadership == 12
    # The home page no longer lists the profile as due.
    home = client.get(url.removesuffix("profile")).get_data(as_text=True)
    assert "Complete your programme profile" not in home


def test_invalid_form_is_shown_again_with_what_was_typed(
    lti: LaunchActions, client: FlaskClient
) -> None:
    url, hidden = open_profile(lti)
    response = client.post(
        url,
        data={
            **hidden,
            "district": "<b>Kern</b>",
            "job_title": "",
            "years_in_leadership": "lots",
            "bio": "My bio <script>alert(1)</script>",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="&lt;b&gt;Kern&lt;/b&gt;"' in page  # kept, and escaped
    assert "My bio &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Enter your job title." in page
    assert "Enter a whole number of years, like 4." in page
    assert "<script>alert(1)</script>" not in page


def test_racing_edit_gets_409_and_keeps_the_text(
    app: Flask, lti: LaunchActions, client: FlaskClient, test_platform: TestPlatform
) -> None:
    url, hidden = open_profile(lti, sub="same-person")
    first = {**hidden, "district": "A", "job_title": "T", "years_in_leadership": "1"}
    assert client.post(url, data=first).status_code == 302
    # Two tabs load version 1 ...
    stale = form_of(client.get(url).get_data(as_text=True))
    other_tab = app.test_client()
    other = LaunchActions(other_tab, test_platform, lti.reg)
    other_url = landed(other.launch("candidate", sub="same-person")) + "profile"
    fresh = form_of(other_tab.get(other_url).get_data(as_text=True))
    # ... one saves first ...
    assert (
        other_tab.post(
            other_url,
            data={**fresh, "district": "Theirs", "job_title": "T", "years_in_leadership": "2"},
        ).status_code
        == 302
    )
    # ... the other is refused, nothing overwritten, its text kept.
    response = client.post(
        url,
        data={
            **stale,
            "district": "Mine, typed carefully",
            "job_title": "T",
            "years_in_leadership": "3",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'value="Mine, typed carefully"' in page
    assert "Someone else saved this profile" in page
    assert "<dd>Theirs</dd>" in page
    with session_scope(app) as s:
        assert s.scalars(select(ProgrammeProfile)).one().district == "Theirs"
    # Saving again from the re-rendered form (now at the latest version) wins.
    retry = form_of(page)
    assert retry["version"] == "2"
    assert (
        client.post(
            url,
            data={
                **retry,
                "district": "Mine, typed carefully",
                "job_title": "T",
                "years_in_leadership": "3",
            },
        ).status_code
        == 302
    )
    with session_scope(app) as s:
        assert s.scalars(select(ProgrammeProfile)).one().district == "Mine, typed carefully"


def test_profile_needs_a_launch(client: FlaskClient, lti: LaunchActions) -> None:
    response = client.get("/c/1/profile")
    assert response.status_code == 401
    assert "open the tool from Canvas" in response.get_data(as_text=True)
