"""A launch answers with the page it lands on, as if the browser had asked for that page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed


def test_the_launch_answers_with_its_landing_page_as_that_page(
    lti: LaunchActions, client: FlaskClient
) -> None:
    response = lti.launch("candidate", custom={"ctom_page": "reports"})
    address = landed(response)
    path = urlsplit(address).path
    assert re.fullmatch(r"/c/\d+/reports", path)
    page = response.get_data(as_text=True)
    # The navigation marks the page as the current one, as when it is opened by its address.
    assert f'href="{path}" aria-current="page">Reports</a>' in page
    assert response.headers["Cache-Control"] == "no-store"
    again = client.get(address).get_data(as_text=True)
    assert f'href="{path}" aria-current="page">Reports</a>' in again
    assert "data-page-address" not in again  # only the launch's answer stands in for it


def test_a_landing_page_that_also_takes_its_form_is_reached_by_a_redirect(
    lti: LaunchActions, client: FlaskClient
) -> None:
    """Its view would read the launch's form as its own; a redirect asks for it by GET."""
    response = lti.launch("candidate", custom={"ctom_page": "pairing-profile"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.fullmatch(r"/c/\d+/pairing/profile", urlsplit(location).path)
    shown = client.get(location)
    assert shown.status_code == 200
    assert "is saved" not in shown.get_data(as_text=True)


def test_a_landing_page_the_person_may_not_open_is_refused_in_the_launchs_answer(
    lti: LaunchActions,
) -> None:
    response = lti.launch("candidate", custom={"ctom_page": "reports-grid"})
    address = landed(response, status=403)
    assert re.fullmatch(r"/c/\d+/reports/grid", urlsplit(address).path)
    assert "This page is for the admin or instructor role" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["pairing-profile-edit", "pairing-verify", "completion-override"])
def test_a_page_a_link_cannot_open_lands_on_home(lti: LaunchActions, page: str) -> None:
    """A page about one person, or a form's target: the launch opens home, not an error."""
    response = lti.launch("admin", custom={"ctom_page": page})
    assert re.fullmatch(r"/c/\d+/", urlsplit(landed(response)).path)
    assert "People who have opened CTO Mentor" in response.get_data(as_text=True)
