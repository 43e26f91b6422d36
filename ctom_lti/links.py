"""The tool's page vocabulary: the stable names of pages that links placed in Canvas point at.

One vocabulary serves three places. ``canvas_sync`` writes module links to the tool, the deep-link
picker answers Canvas with resource links, and the launch decides where a link lands. A page is
named the same way in each:

- a deep-linked resource link carries the custom parameters ``ctom_page`` (and ``principle_key``),
  which Canvas stores on the link and replays in every later launch's custom claim
  (canvas-lti.md §6);
- a module item that sync creates through the REST API has no custom parameters of its own
  (canvas-rest.md §4.6 lists none for module items), but Canvas launches it with its URL as the
  ``target_link_uri`` claim (canvas-lti.md §2, §4.2), so sync puts the same two names in the
  query string of that URL.

Feature packages name their pages with these constants; a page that no feature serves yet still
has a title here, so a link to it can say what is coming.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, urlencode, urlsplit

#: Custom parameter (deep links) and query parameter (synced links) naming the page to open.
PAGE_PARAM: Final = "ctom_page"
#: The curriculum principle a per-principle page (a reflection) is about.
PRINCIPLE_PARAM: Final = "principle_key"
#: Where the tool receives launches (the developer key's redirect URI).
LAUNCH_PATH: Final = "/lti/launch"

HOME: Final = "home"
REPORTS: Final = "reports"
PAIRING: Final = "pairing"
REFLECTION: Final = "reflection"


@dataclass(frozen=True)
class LinkablePage:
    """A page a link in Canvas can open."""

    name: str
    title: str
    #: The page is about one curriculum principle (the link names it with ``principle_key``).
    per_principle: bool = False
    #: For a per-principle page, what one principle's page is called ("Reflection: <name>").
    item_label: str = ""


#: The programme's pages that course links point at, in the order the picker offers them.
PROGRAMME_PAGES: Final = (
    LinkablePage(HOME, "CTO Mentor home"),
    LinkablePage(REPORTS, "Monthly mentor reports"),
    LinkablePage(PAIRING, "Mentor pairing"),
    LinkablePage(REFLECTION, "Portfolio reflections", per_principle=True, item_label="Reflection"),
)


@dataclass(frozen=True)
class PageLink:
    """Which page a link opens: a page name and, for per-principle pages, the principle."""

    page: str = HOME
    principle_key: str | None = None


def link_params(link: PageLink) -> dict[str, str]:
    """The parameters that name ``link`` (custom parameters or query, the same names)."""
    params = {PAGE_PARAM: link.page}
    if link.principle_key:
        params[PRINCIPLE_PARAM] = link.principle_key
    return params


def launch_url(base_url: str, link: PageLink) -> str:
    """The tool's launch URL for a module link that opens ``link``."""
    return f"{base_url.rstrip('/')}{LAUNCH_PATH}?{urlencode(link_params(link))}"


def requested_link(custom: Mapping[str, object], target_link_uri: str | None) -> PageLink:
    """The page a launch asks for: the link's custom parameters, else its URL's query.

    Nothing is checked here beyond the shape; the caller decides whether the page exists.
    """
    params: Mapping[str, object] = custom
    if PAGE_PARAM not in custom and target_link_uri:
        query = parse_qs(urlsplit(target_link_uri).query)
        params = {name: values[0] for name, values in query.items() if values}
    page = params.get(PAGE_PARAM)
    principle = params.get(PRINCIPLE_PARAM)
    return PageLink(
        page if isinstance(page, str) and page else HOME,
        principle if isinstance(principle, str) and principle else None,
    )
