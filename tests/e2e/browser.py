"""Chromium (Debian's, through Playwright) with third-party cookies blocked, and the steps a
person takes to open the tool from the sandbox Canvas. Shared by every browser test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Frame, Page, sync_playwright

from ctom_lti.sandbox.server import SandboxServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Keep cross-site frames in the page's renderer process. With site isolation, Canvas's
    # frame turns out-of-process when the authorize page (Canvas's own site) posts the launch
    # to the tool's site the instant it loads; about one launch in 80, Playwright loses track of
    # the frame at that moment and reports it stuck on /api/lti/authorize while the browser
    # shows the tool. Cookies, partitioning and postMessage behave the same either way.
    "--disable-features=site-per-process,IsolateOrigins",
    "--disable-site-isolation-trials",
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


def _write_profile(user_data: Path, *, block_tool_site: bool) -> None:
    profile: dict[str, Any] = {"cookie_controls_mode": 1, "block_third_party_cookies": True}
    if block_tool_site:
        profile["content_settings"] = {
            "exceptions": {"cookies": {"[*.]localhost,*": {"setting": 2}}}
        }
    (user_data / "Default").mkdir(parents=True)
    (user_data / "Default" / "Preferences").write_text(json.dumps({"profile": profile}))


@contextmanager
def chromium(user_data: Path, *, block_tool_site: bool = False) -> Iterator[BrowserContext]:
    """Chromium with third-party cookies blocked (and, optionally, all of the tool's cookies)."""
    _write_profile(user_data, block_tool_site=block_tool_site)
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


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """One Chromium for many independent contexts (each its own cookies and storage)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


def sign_in(page: Page, sandbox: SandboxServer, name: str) -> None:
    """Pick who you are on the sandbox's front page."""
    page.goto(f"{sandbox.base_url}/")
    page.get_by_role("button", name=f"Sign in as {name}").click()
    page.wait_for_url(f"{sandbox.base_url}/courses")


def open_tool(page: Page, sandbox: SandboxServer, course_name: str, person: str) -> Frame:
    """Sign in as ``person``, open the course, click the tool's course navigation tab."""
    sign_in(page, sandbox, person)
    page.get_by_role("link", name=course_name).click()
    page.get_by_role("navigation", name="Course navigation").get_by_role(
        "link", name="CTO Mentor"
    ).click()
    page.wait_for_url(f"{sandbox.base_url}/courses/*/external_tools/*")
    frame = page.frame(name="tool_content")
    assert frame is not None
    frame.get_by_text(f"Welcome, {person}").wait_for()
    return frame
