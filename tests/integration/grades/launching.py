"""Launching the tool from the sandbox course as a browser does (sign in to Canvas, open the
course navigation tab, run the LTI launch), for pages of the grade outbox."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from ctom_lti.sandbox.store import User
from tests.lti_support import LoopbackBrowser, html_forms, http_browser, landed, parse_page_config

from .graded import GradedCohort


def _sign_in(browser: LoopbackBrowser, base_url: str, user: User) -> None:
    start = browser.get(base_url + "/", timeout=10)
    [form] = [f for f in html_forms(start.text) if "csrf_token" in f.fields][:1]
    response = browser.post(
        base_url + "/login",
        data={"csrf_token": form.fields["csrf_token"], "user_id": str(user.id)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code in (302, 303), response.text[:300]


def launch(graded: GradedCohort, user: User) -> tuple[LoopbackBrowser, str]:
    """Launch as ``user`` from the course navigation; returns the browser and the query that
    carries the session on the tool's pages (empty when cookies do)."""
    base = graded.sandbox.base_url
    browser = http_browser()
    _sign_in(browser, base, user)
    page = browser.get(f"{base}/courses/{graded.course.id}/external_tools/{graded.tool_id}")
    assert page.status_code == 200, page.text[:300]
    [login_form] = [f for f in html_forms(page.text) if f.action.endswith("/lti/login")]
    login = browser.post(login_form.action, data=login_form.fields, allow_redirects=False)
    assert login.status_code == 200, login.text[:300]
    authorized = browser.get(parse_page_config(login.text)["auth"], timeout=10)
    [posted] = [f for f in html_forms(authorized.text) if "id_token" in f.fields]
    launched = browser.post(posted.action, data=posted.fields, allow_redirects=False, timeout=10)
    location = urljoin(graded.tool_url, landed(launched))
    return browser, urlsplit(location).query
