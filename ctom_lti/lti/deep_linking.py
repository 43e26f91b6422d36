"""Deep linking: the pages an instructor can place in Canvas, and where later launches land.

Canvas's link_selection and assignment_selection placements send an ``LtiDeepLinkingRequest``
(canvas-lti.md §4.3); the tool shows a picker and answers with an ``LtiDeepLinkingResponse``
whose resource links carry custom parameters (``ctom_page``, ``principle_key``). Canvas replays
those parameters in later launches of the link (§6), and :func:`landing_for` turns them into the
page to open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ctom_lti.curriculum import Curriculum
from ctom_lti.lti.context import CUSTOM_PAGE, CUSTOM_PRINCIPLE_KEY, DeepLinkSettings

HOME = "home"
REPORTS = "reports"
PAIRING = "pairing"
REFLECTION = "reflection"

#: Flask endpoint serving each page. Features that do not exist yet fall back to the home page;
#: when they land, they only need to register these endpoint names.
PAGE_ENDPOINTS: dict[str, str] = {
    HOME: "home.index",
    REPORTS: "reports.index",
    PAIRING: "pairing.index",
    REFLECTION: "portfolio.reflection",
}


@dataclass(frozen=True)
class PickerItem:
    """One page an instructor can link to."""

    #: Form value identifying the item, e.g. ``reflection:security-fundamentals``.
    key: str
    title: str
    page: str
    principle_key: str | None = None
    #: Heading the picker groups the item under.
    group: str = "Programme pages"


@dataclass(frozen=True)
class Landing:
    """Where a launch should open."""

    page: str = HOME
    principle_key: str | None = None


def picker_items(curriculum: Curriculum) -> tuple[PickerItem, ...]:
    """Every linkable page: home, reports, pairing and one reflection page per principle."""
    items = [
        PickerItem(HOME, "CTO Mentor home", HOME),
        PickerItem(REPORTS, "Monthly mentor reports", REPORTS),
        PickerItem(PAIRING, "Mentor pairing", PAIRING),
    ]
    for strand in curriculum.strands:
        for principle in strand.principles:
            items.append(
                PickerItem(
                    f"{REFLECTION}:{principle.key}",
                    f"Reflection: {principle.name}",
                    REFLECTION,
                    principle.key,
                    group=f"Reflections — {strand.name}",
                )
            )
    return tuple(items)


def select_items(
    items: Iterable[PickerItem], chosen: Iterable[str], settings: DeepLinkSettings
) -> tuple[tuple[PickerItem, ...], str | None]:
    """Resolve the chosen keys; return (items, problem) — problem is None when acceptable."""
    by_key = {item.key: item for item in items}
    picked = tuple(dict.fromkeys(by_key[k] for k in chosen if k in by_key))
    if not picked:
        return (), "Choose at least one page to add."
    if len(picked) > 1 and not settings.accept_multiple:
        return (), "Canvas accepts only one page here; choose one."
    if "ltiResourceLink" not in settings.accept_types:
        return (), "This Canvas placement does not accept tool links."
    return picked, None


def content_items(
    picked: Iterable[PickerItem], launch_url: str, *, gradable: bool
) -> list[DeepLinkResource]:
    """Resource links for the chosen pages; ``gradable`` adds a pass/fail line item."""
    resources = []
    for item in picked:
        custom = {CUSTOM_PAGE: item.page}
        if item.principle_key:
            custom[CUSTOM_PRINCIPLE_KEY] = item.principle_key
        resource = (
            DeepLinkResource().set_url(launch_url).set_title(item.title).set_custom_params(custom)
        )
        if gradable:
            resource.set_lineitem(
                LineItem()
                .set_score_maximum(1)
                .set_label(item.title)
                .set_resource_id(item.key)
                .set_tag(item.page)
            )
        resources.append(resource)
    return resources


def response_jwt(
    registration: object,
    deployment_id: str,
    settings: DeepLinkSettings,
    resources: list[DeepLinkResource],
) -> str:
    """The signed ``LtiDeepLinkingResponse`` to post back to Canvas."""
    deep_link = DeepLink(
        registration,
        deployment_id,
        {
            "deep_link_return_url": settings.return_url,
            "accept_types": list(settings.accept_types),
            "accept_presentation_document_targets": list(
                settings.accept_presentation_document_targets
            ),
            "data": settings.data,
        },
    )
    token: str = deep_link.get_response_jwt(resources)
    return token


def landing_for(custom: Mapping[str, str], principle_keys: frozenset[str]) -> Landing:
    """The page a launch opens, from the custom parameters of the link that launched it."""
    page = custom.get(CUSTOM_PAGE, HOME)
    if page not in PAGE_ENDPOINTS:
        return Landing()
    if page == REFLECTION:
        key = custom.get(CUSTOM_PRINCIPLE_KEY)
        if key not in principle_keys:
            return Landing()
        return Landing(REFLECTION, key)
    return Landing(page)
