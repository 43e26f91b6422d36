"""Where a launch lands, and answering the launch with that page itself.

The browser posted the launch; a redirect to the landing page would cost it one more round trip
through Canvas's frame (and the tool a second request that reads the new session back from the
shared store) before the person sees anything. So the launch renders its landing page as if that
page had been asked for, and the page names its own address (``data-page-address`` on ``<html>``,
which ``ctom.js`` makes the frame's address with ``history.replaceState``): a reload or a
bookmark then opens the page, not the spent launch (which would be refused as a replay).

Only pages served by GET alone are answered in place, with the landing's own (empty) query: a
view that also takes POST would read the launch's form as its own. Any other landing (home
naming a page whose feature has not shipped, which it reads from the query) is a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, url_for
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from ctom_lti.features import FeatureRegistry
from ctom_lti.links import HOME
from ctom_lti.lti.access import require_page_roles
from ctom_lti.lti.deep_linking import Landing

#: What a page rule may answer besides GET (Flask adds both to every GET route).
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class LandingPage:
    """A page a launch opens: an endpoint and its values (path arguments and any query)."""

    endpoint: str
    values: dict[str, Any]

    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


def landing_page(
    landing: Landing, cohort_id: int, registry: FeatureRegistry, *, deep_link: bool
) -> LandingPage:
    """The page for ``landing`` in ``cohort_id``: the deep-link picker for a deep-linking
    launch, else the landing's page, else home (saying which page is still to come)."""
    if deep_link:
        return LandingPage("deep_link.picker", {"cohort_id": cohort_id})
    page = registry.page(landing.page)
    if page is not None:
        values: dict[str, Any] = {"cohort_id": cohort_id}
        if page.per_principle:
            values["principle_key"] = landing.principle_key
        if _openable(current_app, page.endpoint, values):
            return LandingPage(page.endpoint, values)
        # A form's target, or a page about one person or record: a link cannot open it.
        return LandingPage(registry.endpoint_of(HOME), {"cohort_id": cohort_id})
    # The page belongs to a feature that has not shipped yet: open home and say so there.
    values = {"cohort_id": cohort_id}
    if landing.page != HOME:
        values["page"] = landing.page
        if landing.principle_key:
            values["principle"] = landing.principle_key
    return LandingPage(registry.endpoint_of(HOME), values)


def answer_with(page: LandingPage, address: str, registry: FeatureRegistry) -> Response | None:
    """The response of ``page``'s view, answered by the current (launch) request as if the
    browser had asked for ``address``; None when the page must be reached by a redirect.

    The launch's session must already hold the new launch (``views._start_session``).
    """
    rule = _get_only_rule(current_app, page.endpoint)
    if rule is None or set(page.values) != rule.arguments:
        return None
    request.url_rule = rule
    request.view_args = dict(page.values)
    # The view reads the landing's query (none), not the launch's.
    request.args = ImmutableMultiDict()
    g.page_address = address
    # What Flask runs before a view that the launch request has not run for this one: the
    # blueprints' URL value preprocessors and the page's role rule (CSRF is for forms, and the
    # launch was authenticated by its signed token).
    for name in (None, *reversed(request.blueprints)):
        for preprocess in current_app.url_value_preprocessors.get(name, ()):
            preprocess(request.endpoint, request.view_args)
    require_page_roles(registry, request.endpoint, request.view_args)
    view = current_app.view_functions[page.endpoint]
    return current_app.make_response(current_app.ensure_sync(view)(**request.view_args))


def _openable(app: Flask, endpoint: str, values: dict[str, Any]) -> bool:
    """Whether a browser can open ``endpoint`` by GET knowing only ``values``."""
    return any(
        rule.methods is not None and "GET" in rule.methods and rule.arguments <= set(values)
        for rule in app.url_map.iter_rules(endpoint)
    )


def _get_only_rule(app: Flask, endpoint: str) -> Rule | None:
    """The endpoint's rule when it is its only one and answers GET alone, else None."""
    rules = list(app.url_map.iter_rules(endpoint))
    if len(rules) == 1 and rules[0].methods is not None and rules[0].methods <= _READ_METHODS:
        return rules[0]
    return None
