"""Deep linking: the pages an instructor can place in Canvas, and where later launches land.

Canvas's link_selection and assignment_selection placements send an ``LtiDeepLinkingRequest``
(canvas-lti.md §4.3); the tool shows a picker and answers with an ``LtiDeepLinkingResponse``
whose resource links carry custom parameters (``ctom_page``, ``principle_key``). Canvas replays
those parameters in later launches of the link (§6); links that sync put in modules carry the same
names in their URL instead (see ``ctom_lti.links``). :func:`landing_for` turns either into the
page to open. Which pages exist is the feature registry's business: callers pass them in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ctom_lti.curriculum import Curriculum
from ctom_lti.links import (
    PROGRAMME_PAGES,
    LinkablePage,
    PageLink,
    link_params,
    requested_link,
)
from ctom_lti.lti.context import DeepLinkSettings

#: Where a launch should open (a page name and, for per-principle pages, the principle).
Landing = PageLink


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


def picker_items(
    curriculum: Curriculum, pages: Sequence[LinkablePage] = PROGRAMME_PAGES
) -> tuple[PickerItem, ...]:
    """Every linkable page; a per-principle page gives one item per principle, after the rest.

    By default the programme's pages: home, reports, pairing and a reflection per principle.
    """
    items = [
        PickerItem(page.name, page.title, page.name) for page in pages if not page.per_principle
    ]
    for page in pages:
        if not page.per_principle:
            continue
        for strand in curriculum.strands:
            for principle in strand.principles:
                items.append(
                    PickerItem(
                        f"{page.name}:{principle.key}",
                        f"{page.item_label or page.title}: {principle.name}",
                        page.name,
                        principle.key,
                        group=f"{page.title} — {strand.name}",
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
        custom = link_params(PageLink(item.page, item.principle_key))
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


def landing_for(
    custom: Mapping[str, object],
    principle_keys: frozenset[str],
    target_link_uri: str | None = None,
    *,
    pages: Collection[LinkablePage] = PROGRAMME_PAGES,
) -> Landing:
    """The page a launch opens: the link's custom parameters, else its URL's query.

    An unknown page, or a per-principle page without a known principle, opens home.
    """
    link = requested_link(custom, target_link_uri)
    page = next((p for p in pages if p.name == link.page), None)
    if page is None:
        return Landing()
    if page.per_principle:
        if link.principle_key not in principle_keys:
            return Landing()
        return Landing(page.name, link.principle_key)
    return Landing(page.name)
