"""Canvas's frame fits each tool page, both ways, and a form's answer is in view.

The tool reports its height with ``lti.frameResize`` and, when a page answers a form, asks
Canvas with ``lti.scrollToTop`` to bring the frame's top (where the message is) into view; the
sandbox Canvas honours both as Canvas does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Locator, Page

from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.e2e.browser import TIMEOUT_MS, chromium, first_page, open_tool

pytestmark = pytest.mark.e2e

FRAME_HEIGHT = "() => document.getElementById('tool_content').clientHeight"
CONTENT_HEIGHT = "() => document.documentElement.getBoundingClientRect().height"


def _frame_height(page: Page) -> float:
    height: float = page.evaluate(FRAME_HEIGHT)
    return height


def _settled_height(page: Page, frame: Frame) -> float:
    """The frame's height once it fits the page inside it (the sandbox's minimum aside)."""
    content = frame.evaluate(CONTENT_HEIGHT)
    page.wait_for_function(
        f"(want) => Math.abs(({FRAME_HEIGHT})() - Math.max(want, 480)) <= 1",
        arg=content,
        timeout=TIMEOUT_MS,
    )
    return _frame_height(page)


def _go(frame: Frame, link: str, heading: str) -> None:
    frame.get_by_role("navigation", name="Tool").get_by_role("link", name=link).click()
    frame.get_by_role("heading", name=heading).wait_for()
    frame.wait_for_load_state("load")


def _in_view(page: Page, target: Locator) -> None:
    """Wait until ``target`` (inside the tool's frame) lies within the Canvas page's viewport."""
    target.wait_for()
    viewport = page.viewport_size
    assert viewport is not None
    deadline_checks = TIMEOUT_MS // 100
    box = None
    for _ in range(deadline_checks):
        box = target.bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{target} stayed out of view: {box} in a viewport of {viewport}")


def test_frame_grows_and_shrinks_with_the_page(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, launchable["course"].name, launchable["candidate"].name)
        frame.wait_for_load_state("load")
        home = _settled_height(page, frame)
        _go(frame, "Profile", "Your programme profile")
        profile = _settled_height(page, frame)
        assert profile > home + 200, (home, profile)
        _go(frame, "Home", launchable["course"].name)
        # Back on the shorter page, the frame shrinks to it: no blank space below Home.
        assert _settled_height(page, frame) == pytest.approx(home, abs=1)


def test_saved_message_is_in_view_after_saving(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, launchable["course"].name, launchable["candidate"].name)
        _go(frame, "Profile", "Your programme profile")
        _settled_height(page, frame)
        frame.get_by_label("School district or county office").fill("Sierra Unified")
        frame.get_by_label("Job title").fill("Director of Technology")
        frame.get_by_label("Years in K-12 technology leadership").fill("6")
        # The button is far down the page: clicking it scrolls Canvas's page down to it.
        frame.get_by_role("button", name="Save profile").click()
        _in_view(page, frame.get_by_text("Your profile is saved."))


def test_error_banner_is_in_view_after_a_refused_save(
    tmp_path: Path,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, launchable["course"].name, launchable["candidate"].name)
        _go(frame, "Profile", "Your programme profile")
        _settled_height(page, frame)
        frame.get_by_label("Years in K-12 technology leadership").fill("many")
        frame.get_by_role("button", name="Save profile").click()
        _in_view(page, frame.get_by_role("alert").filter(has_text="Please fix"))
