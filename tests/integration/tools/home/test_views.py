"""The home page: the features' cards for the viewer's roles, and what links in Canvas ask for."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed


def test_a_candidate_sees_the_profile_due_and_their_portfolio(
    lti: LaunchActions, client: FlaskClient
) -> None:
    home = client.get(landed(lti.launch("candidate"))).get_data(as_text=True)
    due = home.split('id="due-title"')[1].split("</section>")[0]
    assert "Complete your programme profile" in due
    assert "<strong>Your portfolio</strong></a> — 0 of 16 principles signed off." in home
    assert "Mentor pairing" not in home
    assert "is coming soon" not in home  # no link asked for a page


def test_a_link_to_a_page_nobody_serves_opens_home_without_a_notice(
    lti: LaunchActions, client: FlaskClient
) -> None:
    location = landed(lti.launch("candidate", custom={"ctom_page": "../admin"}))
    assert "page=" not in location
    home = client.get(location).get_data(as_text=True)
    assert "is coming soon" not in home
    # A hand-made address naming no programme page says nothing either.
    assert "is coming soon" not in client.get(location + "?page=admin").get_data(as_text=True)


def test_the_navigation_marks_the_page_you_are_on(lti: LaunchActions, client: FlaskClient) -> None:
    location = landed(lti.launch("instructor"))
    home = client.get(location).get_data(as_text=True)
    assert re.findall(r'<a href="[^"]*"( aria-current="page")?>(Home|Profile)</a>', home) == [
        (' aria-current="page"', "Home"),
        ("", "Profile"),
    ]
    profile = client.get(location + "profile").get_data(as_text=True)
    assert 'aria-current="page">Profile</a>' in profile
