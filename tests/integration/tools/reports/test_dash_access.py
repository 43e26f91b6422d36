"""Who may open the staff report pages: every role on the grid, the overview and the export; and
staff of another cohort or another Canvas registration see nothing of this one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.tools.reports.dash_support import arrange, launch
from tests.lti_fixtures import LaunchActions

CONTEXT_A = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
CONTEXT_B = "0000000000000000000000000000000000000b0b"
PAGES = ("grid", "overview", "export.csv")
#: page -> roles that may open it
ALLOWED = {
    "grid": {"instructor", "admin"},
    "overview": {"admin"},
    "export.csv": {"instructor", "admin", "mentor"},
}


@pytest.fixture
def cohort_a(app: Flask, lti: LaunchActions) -> int:
    cohort_id = launch(lti, "admin", "admin-a", context_id=CONTEXT_A)
    arrange(app, cohort_id, candidates=2, names=("Secret Candidate", "Other Candidate"))
    return cohort_id


@pytest.mark.parametrize("who", ["candidate", "mentor", "instructor", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(
    lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, page: str
) -> None:
    launch(lti, who, f"{who}-a", context_id=CONTEXT_A)
    response = client.get(f"/c/{cohort_a}/reports/{page}")
    if who not in ALLOWED[page]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if who == "mentor":  # their own reports only; this mentor has none
        assert "Secret Candidate" not in text
    else:
        assert "Secret Candidate" in text or page == "overview"


@pytest.mark.parametrize("page", PAGES)
def test_staff_of_another_cohort_see_nothing(
    lti: LaunchActions, client: FlaskClient, cohort_a: int, page: str
) -> None:
    other = launch(lti, "admin", "admin-b", context_id=CONTEXT_B)
    assert other != cohort_a
    response = client.get(f"/c/{cohort_a}/reports/{page}")
    assert response.status_code in {401, 403}
    assert "Secret Candidate" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("page", PAGES)
def test_the_pages_only_read(
    lti: LaunchActions, client: FlaskClient, cohort_a: int, method: str, page: str
) -> None:
    launch(lti, "admin", "admin-a", context_id=CONTEXT_A)
    response = getattr(client, method)(f"/c/{cohort_a}/reports/{page}")
    assert response.status_code == 405
