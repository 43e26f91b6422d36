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

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Cookie, Frame, Page

from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.e2e.browser import chromium, first_page, open_tool

pytestmark = pytest.mark.e2e


def _open_tool(page: Page, sandbox: SandboxServer, launchable: dict[str, Any]) -> Frame:
    """Sign in as the candidate, open the course, click the tool's course navigation tab."""
    return open_tool(page, sandbox, launchable["course"].name, launchable["candidate"].name)


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
) -> tuple[list[Cookie], list[str]]:
    with chromium(tmp_path / "chromium", block_tool_site=block_tool_site) as context:
        page = first_page(context)
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


@pytest.mark.parametrize("block_tool_site", [False, True], ids=["partitioned", "no-cookies"])
def test_the_frame_shows_the_landing_pages_address_and_a_reload_opens_it_again(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
    block_tool_site: bool,
) -> None:
    """The launch answers with the home page itself; the frame then shows the page's own
    address, so reloading it opens the page again instead of posting the spent launch."""
    with chromium(tmp_path / "chromium", block_tool_site=block_tool_site) as context:
        page = first_page(context)
        frame = _open_tool(page, sandbox, launchable)
        address = urlsplit(frame.evaluate("() => location.href"))
        assert re.fullmatch(r"/c/\d+/", address.path), address
        # Without cookies the launch-bound token carries the session, in the address itself.
        assert ("lt=" in address.query) is block_tool_site, address
        with frame.expect_navigation():
            frame.evaluate("() => location.reload()")
        frame.get_by_text(f"Welcome, {launchable['candidate'].name}").wait_for()
        assert frame.get_by_text("already used").count() == 0
        assert urlsplit(frame.url).path == address.path
