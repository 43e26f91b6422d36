"""axe-core accessibility checks for browser tests: ``assert_accessible(page_or_frame, "name")``.

axe-core's JavaScript comes with the pinned ``axe-playwright-python`` test dependency; nothing is
fetched at test time. A page inside Canvas's iframe is checked through its :class:`Frame`.
Every feature's browser test calls :func:`assert_accessible` on each page it opens, so a page
that a new feature adds or changes keeps 0 violations.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

_AXE = Axe()


def axe_violations(target: Page | Frame) -> list[dict[str, Any]]:
    """axe-core's violations for the document shown in ``target`` (all rules axe runs by
    default: WCAG 2.x A and AA, and best practices)."""
    target.wait_for_load_state("load")
    try:
        results = _AXE.run(target)
    except PlaywrightError as exc:
        # A page that was still being replaced (a click's navigation) is checked once it is in:
        # the check's context went away, or axe-core was injected into the page being left.
        if "context was destroyed" not in str(exc) and "axe is not defined" not in str(exc):
            raise
        target.wait_for_load_state("load")
        results = _AXE.run(target)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule and the first few elements it found, for a failing assertion."""
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        count = len(v["nodes"])
        lines.append(f"{v['id']} [{v['impact']}] {count} elements: {v['help']} — {targets}{more}")
    return "\n".join(lines)


#: Chromium's own colour for a link no style sheet coloured (``-webkit-link``).
BROWSER_LINK_COLOUR = "rgb(0, 0, 238)"

_UNSTYLED_LINKS = """(colour) => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => a.getClientRects().length && getComputedStyle(a).color === colour)
  .map((a) => a.textContent.trim() || a.getAttribute("href"))"""


def unstyled_links(target: Page | Frame) -> list[str]:
    """Visible links drawn in the browser's default blue (and visited purple) rather than the
    page's own colours."""
    links: list[str] = target.evaluate(_UNSTYLED_LINKS, BROWSER_LINK_COLOUR)
    return links


def assert_accessible(target: Page | Frame, name: str) -> None:
    """Fail, listing what was found, unless axe-core finds 0 violations and every link wears
    the page's own colours."""
    violations = axe_violations(target)
    assert not violations, f"{name}: {len(violations)} axe-core violations\n{describe(violations)}"
    links = unstyled_links(target)
    assert not links, f"{name}: links in the browser's default colours: {links}"
