"""The staff grid of a cohort's reports: every state, filters, reminders shown, and a fixed number
of statements whatever the cohort's size; the admin overview of every cohort."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from ctom_lti.db import get_engine, session_scope, utcnow
from ctom_lti.models import Cohort
from ctom_lti.tools.reports.grid import cohort_grid, cohort_today, overview
from ctom_lti.tools.reports.reminder_models import SENT, ReportReminder
from tests.integration.tools.reports.dash_support import (
    arrange,
    launch,
    reports_of,
    set_status,
)
from tests.lti_fixtures import LaunchActions

_STORE_TABLES = ("lti_launch_state", "lti_session", "lti_cache", "lti_service_token")


def statements_of(app: Flask, client: FlaskClient, url: str) -> tuple[list[str], str]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not any(table in statement for table in _STORE_TABLES):
            seen.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        page = client.get(url)
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    assert page.status_code == 200, page.get_data(as_text=True)
    return seen, page.get_data(as_text=True)


def cells(html: str) -> list[str]:
    return re.findall(r'class="report-state state-([a-z_]+)"', html)


def test_the_grid_shows_each_candidates_months_in_every_state(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    made = arrange(app, cohort_id, candidates=4, months_back=3)
    # Four months are open (three past, this one); the past two are due by now.
    set_status(app, made.candidates[0], ["acknowledged", "submitted", "draft"])
    set_status(app, made.candidates[1], ["returned", "not_started"])
    page = client.get(f"/c/{cohort_id}/reports/grid")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    states = cells(html)
    assert len(states) == 16  # 4 candidates x 4 months
    assert {"acknowledged", "submitted", "overdue", "not_started"} <= set(states)
    assert "Candidate 000" in html and "Mentor A" in html and "Mentor B" in html
    # A returned report still owed after its due day shows as overdue.
    only_late = client.get(f"/c/{cohort_id}/reports/grid?state=overdue").get_data(as_text=True)
    assert set(cells(only_late)) == {"overdue"}
    only_a = client.get(f"/c/{cohort_id}/reports/grid?mentor={made.mentors[0]}")
    text = only_a.get_data(as_text=True)
    assert "Candidate 000" in text and "Candidate 002" in text
    assert "Candidate 001" not in text and "Candidate 003" not in text


def test_a_filter_the_grid_does_not_know_is_refused(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    for query in ("state=lost", "mentor=abc"):
        response = client.get(f"/c/{cohort_id}/reports/grid?{query}")
        assert response.status_code == 422


def test_reminders_sent_are_shown_beside_the_report(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    made = arrange(app, cohort_id, candidates=1, months_back=2)
    with session_scope(app) as session:
        first = reports_of(session, made.candidates[0])[0]
        for step in ("due", "overdue"):
            session.add(
                ReportReminder(
                    report_id=first.id,
                    cohort_id=cohort_id,
                    step=step,
                    status=SENT,
                    sent_at=utcnow(),
                )
            )
    html = client.get(f"/c/{cohort_id}/reports/grid").get_data(as_text=True)
    assert "Reminded: on the due day, 7 days overdue" in html


def test_the_grid_reads_the_same_statements_for_a_small_or_a_large_cohort(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    arrange(app, cohort_id, candidates=2, mentors=1)
    small, _ = statements_of(app, client, f"/c/{cohort_id}/reports/grid")
    arrange(app, cohort_id, candidates=40, mentors=12)
    large, html = statements_of(app, client, f"/c/{cohort_id}/reports/grid")
    assert len(cells(html)) == 42 * 4
    assert len(large) == len(small), (small, large)


def test_an_admin_sees_every_cohort_of_the_registration(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    first = launch(lti, "admin", "admin-1", context_id="a" * 40)
    arrange(app, first, candidates=2)
    second = launch(lti, "admin", "admin-1", context_id="b" * 40)
    few, html = statements_of(app, client, f"/c/{second}/reports/overview")
    assert html.count('<th scope="row">') == 3  # two cohorts and the total
    made = arrange(app, second, candidates=30, mentors=10)
    set_status(app, made.candidates[0], ["submitted", "returned", "acknowledged", "draft"])
    many, html = statements_of(app, client, f"/c/{second}/reports/overview")
    assert len(many) == len(few)
    with session_scope(app) as session:
        cohort = session.get(Cohort, second)
        assert cohort is not None
        now = utcnow()
        [summary] = [s for s in overview(session, cohort.platform_id, now) if s.cohort_id == second]
        # The overview counts each state as the cohort's grid does.
        assert summary.counts == cohort_grid(session, second, cohort_today(cohort, now)).totals
    total = re.search(r"All cohorts</th>((?:<td>\d+</td>)+)", html)
    assert total is not None
    assert sum(int(n) for n in re.findall(r"\d+", total.group(1))) == 32 * 4


def test_the_reports_page_leads_staff_to_the_grid_and_admins_to_the_overview(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    cohort_id = launch(lti, "instructor", "instructor-1")
    html = client.get(f"/c/{cohort_id}/reports").get_data(as_text=True)
    assert f"/c/{cohort_id}/reports/grid" in html
    assert f"/c/{cohort_id}/reports/overview" not in html
    launch(lti, "admin", "admin-1")
    html = client.get(f"/c/{cohort_id}/reports").get_data(as_text=True)
    assert f"/c/{cohort_id}/reports/overview" in html
