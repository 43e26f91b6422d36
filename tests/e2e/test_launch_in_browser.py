"""A real browser launches the tool from the sandbox Canvas, as people do, with cookies blocked.

The sandbox runs on ``127.0.0.1`` and the tool on ``localhost``: different sites, so the tool in
Canvas's iframe is third-party. Two browsers, both blocking third-party cookies:

* the first allows partitioned (CHIPS) cookies, as Chrome does;
* the second blocks every cookie of the tool's site, so only LTI Platform Storage
  (``post_message_forwarding``) and the tool's launch-bound token can carry the launch.

Each opens the course page, launches the tool from course navigation through the real login
flow (login POST → authorize → id_token POST inside the iframe), moves to another page inside
the tool and submits a form there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Frame, Page, sync_playwright

from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.lti.keys import ensure_current_key
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
#: Runs in every frame; in the Platform Storage frame it notes each message the tool sends
#: (subject and sender origin) on the Canvas page, which shares the frame's origin.
STORAGE_SPY = """
window.addEventListener("message", function (event) {
  if (window.name !== "post_message_forwarding" || !event.data || !event.data.subject) { return; }
  var log = window.top.__storageLog = window.top.__storageLog || [];
  log.push(event.origin + " " + event.data.subject);
});
"""


@pytest.fixture
def tool_server(app: Flask) -> Iterator[ServerThread]:
    """The tool on ``localhost`` (a different site from the sandbox's ``127.0.0.1``)."""
    server = ServerThread(app, host="localhost")
    app.config["BASE_URL"] = server.base_url
    ensure_current_key(app)
    with server:
        yield server


@pytest.fixture
def launchable(sandbox: SandboxServer, tool_server: ServerThread, app: Flask) -> dict[str, Any]:
    """A course with a candidate, and the tool registered on both sides as an admin would."""
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12",
        course_code="CTOM-12",
        sis_course_id="CTOM-COHORT-12",
        workflow_state="available",
    )
    candidate = store.add_user(
        "Alicia Moreno", "amoreno@district.example.org", email="amoreno@district.example.org"
    )
    store.enroll(candidate.id, course.id, "StudentEnrollment")
    # Canvas side: "Enter URL" with the tool's developer-key JSON, then install in the course;
    # tool side: what `ctom-lti platform add` stores.
    install = connect_tool_and_sandbox(app, sandbox, tool_server.base_url, course_id=course.id)
    return {"course": course, "candidate": candidate, "tool": install.tool}


@contextmanager
def _browser(user_data: Path, *, block_tool_site: bool) -> Iterator[BrowserContext]:
    """Chromium with third-party cookies blocked (and, optionally, all of the tool's cookies)."""
    profile: dict[str, Any] = {"cookie_controls_mode": 1, "block_third_party_cookies": True}
    if block_tool_site:
        profile["content_settings"] = {
            "exceptions": {"cookies": {"[*.]localhost,*": {"setting": 2}}}
        }
    (user_data / "Default").mkdir(parents=True)
    (user_data / "Default" / "Preferences").write_text(json.dumps({"profile": profile}))
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(STORAGE_SPY)
        try:
            yield context
        finally:
            context.close()


def _open_tool(page: Page, sandbox: SandboxServer, launchable: dict[str, Any]) -> Frame:
    """Sign in as the candidate, open the course, click the tool's course navigation tab."""
    course = launchable["course"]
    page.goto(f"{sandbox.base_url}/")
    page.get_by_role("button", name="Sign in as Alicia Moreno").click()
    page.wait_for_url(f"{sandbox.base_url}/courses")
    page.get_by_role("link", name=course.name).click()
    page.get_by_role("navigation", name="Course navigation").get_by_role(
        "link", name="CTO Mentor"
    ).click()
    page.wait_for_url(f"{sandbox.base_url}/courses/{course.id}/external_tools/*")
    frame = page.frame(name="tool_content")
    assert frame is not None
    frame.get_by_text("Welcome, Alicia Moreno").wait_for()
    return frame


def _navigate_and_submit(frame: Frame) -> None:
    frame.get_by_role("navigation", name="Tool").get_by_role("link", name="Profile").click()
    frame.get_by_role("heading", name="Your programme profile").wait_for()
    frame.get_by_label("School district or county office").fill("Sierra Unified")
    frame.get_by_label("Job title").fill("Director of Technology")
    frame.get_by_label("Years in K-12 technology leadership").fill("6")
    frame.get_by_role("button", name="Save profile").click()
    frame.get_by_text("Your profile is saved.").wait_for()


def _storage_messages(page: Page) -> list[str]:
    messages: list[str] = page.evaluate("() => window.__storageLog || []")
    return messages


def _run(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
    *,
    block_tool_site: bool,
) -> tuple[list[dict[str, Any]], list[str]]:
    with _browser(tmp_path / "chromium", block_tool_site=block_tool_site) as context:
        page = context.pages[0] if context.pages else context.new_page()
        frame = _open_tool(page, sandbox, launchable)
        _navigate_and_submit(frame)
        # Everything happened inside Canvas's iframe; the page itself stayed on the sandbox.
        assert page.url.startswith(f"{sandbox.base_url}/courses/")
        assert frame.url.startswith(tool_server.base_url)
        cookies = context.cookies()
        stored = _storage_messages(page)
        # The sandbox's own session cookie was there all along: /api/lti/authorize needed it.
        assert any(c["name"] == "canvas_session" and c["domain"] == "127.0.0.1" for c in cookies)
        return cookies, stored


def test_launch_with_third_party_cookies_blocked(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    cookies, messages = _run(tmp_path, sandbox, tool_server, launchable, block_tool_site=False)
    tool_cookies = [c for c in cookies if c["domain"] == "localhost"]
    # Only partitioned cookies can live in the tool's third-party iframe.
    assert all(c.get("partitionKey") for c in tool_cookies), tool_cookies
    # Canvas offered Platform Storage and the tool stored its login state there too.
    assert f"{tool_server.base_url} lti.put_data" in messages, messages


def test_launch_with_every_tool_cookie_blocked(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    cookies, messages = _run(tmp_path, sandbox, tool_server, launchable, block_tool_site=True)
    # Not one cookie of the tool's site: Platform Storage and the launch-bound token did it all.
    assert [c for c in cookies if c["domain"] == "localhost"] == []
    origin = tool_server.base_url
    assert f"{origin} lti.put_data" in messages, messages
    assert f"{origin} lti.get_data" in messages, messages
