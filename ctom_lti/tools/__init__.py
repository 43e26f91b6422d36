"""The tool's features, one package per feature; see CONTRIBUTING.md for the package shape.

Each ``tools/<feature>/__init__.py`` declares ``feature``, a :class:`ctom_lti.features.Feature`
(blueprint, pages with their stable names and roles, home cards, models, CLI commands).
:func:`register_features` wires the features ``create_app`` is given into the app; nothing else
lists them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request

from ctom_lti.features import Feature, FeatureRegistry, store_registry


def load_features(names: Iterable[str]) -> tuple[Feature, ...]:
    """The ``feature`` declared by each ``ctom_lti.tools.<name>`` package."""
    features = []
    for name in names:
        feature = importlib.import_module(f"{__name__}.{name}").feature
        if not isinstance(feature, Feature):
            raise TypeError(f"ctom_lti.tools.{name}.feature is not a Feature")
        features.append(feature)
    return tuple(features)


def register_features(app: Flask, features: Iterable[Feature]) -> FeatureRegistry:
    """Register each feature's blueprint and commands, guard its pages by role, and feed the
    navigation."""
    registry = store_registry(app, features)
    for feature in registry.features:
        app.register_blueprint(feature.blueprint)
        for command in feature.commands:
            app.cli.add_command(command)
    missing = [p.endpoint for p in registry.pages if p.endpoint not in app.view_functions]
    if missing:
        raise LookupError(f"pages name endpoints no blueprint serves: {', '.join(missing)}")

    @app.before_request
    def _guard_page_roles() -> None:
        from ctom_lti.lti.access import require_page_roles

        require_page_roles(registry, request.endpoint, request.view_args)

    @app.context_processor
    def _navigation() -> dict[str, Any]:
        return {"nav_links": _nav_links(registry)}

    return registry


@dataclass(frozen=True, slots=True)
class NavLink:
    """One link of the navigation bar (attributes, which templates read faster than keys)."""

    label: str
    url: str
    current: bool


def _nav_links(registry: FeatureRegistry) -> list[NavLink]:
    """The navigation bar for the current viewer: the pages their roles may open."""
    from ctom_lti.lti.access import current_launch
    from ctom_lti.lti.web import cohort_links

    cohort_id = (request.view_args or {}).get("cohort_id")
    if cohort_id is None:
        return []  # not a cohort page (launch, error before routing): no session to read
    launch = current_launch()
    if launch is None or cohort_id != launch.cohort_id:
        return []
    pages = registry.nav_pages(launch.roles)
    exact = next((p for p in pages if p.endpoint == request.endpoint), None)
    current = exact or next(
        (p for p in pages if p.endpoint.partition(".")[0] == request.blueprint), None
    )
    urls = cohort_links((page.endpoint for page in pages), launch.cohort_id)
    return [
        NavLink(page.nav_label or page.title, url, page is current)
        for page, url in zip(pages, urls, strict=True)
    ]
