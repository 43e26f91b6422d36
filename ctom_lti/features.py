"""The feature registry: what each feature package brings, read by everything that lists features.

Each ``ctom_lti/tools/<feature>/__init__.py`` declares one :class:`Feature`; ``create_app`` is
given the list and stores a :class:`FeatureRegistry` on the app. Lower layers (the LTI layer's
deep-link picker and landing) read it from the app with :func:`registry_of` and never import a
feature, so features stay independent of each other and of the layers below them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, Protocol

import click
from flask import Blueprint, Flask
from sqlalchemy import (
    ColumnElement,
)
from sqlalchemy.orm import Session

from ctom_lti.config import Setting
from ctom_lti.links import PROGRAMME_PAGES, LinkablePage
from ctom_lti.models import Role

_EXTENSION_KEY = "ctom.features"


class Viewer(Protocol):
    """Who is looking (the launched session satisfies this)."""

    @property
    def person_id(self) -> int: ...

    @property
    def cohort_id(self) -> int: ...

    @property
    def roles(self) -> frozenset[Role]: ...


@dataclass(frozen=True)
class Page:
    """A page of a feature that people open, by its stable name."""

    #: Stable name that Canvas links and deep links point at (see ``ctom_lti.links``).
    name: str
    #: What the page is, in the deep-link picker and in "coming" notices.
    title: str
    #: Flask endpoint serving it; takes ``cohort_id`` (and ``principle_key`` if per principle).
    endpoint: str
    #: Roles that may open it; empty means everyone launched into the cohort.
    roles: frozenset[Role] = frozenset()
    #: Short label in the navigation bar; None keeps it out of the navigation.
    nav_label: str | None = None
    per_principle: bool = False
    #: For a per-principle page, what one principle's page is called ("Reflection: <name>").
    item_label: str = ""
    #: Offered in the deep-link picker, so instructors can place it in a Canvas module.
    linkable: bool = True

    def open_to(self, roles: frozenset[Role]) -> bool:
        return not self.roles or bool(self.roles & roles)


@dataclass(frozen=True)
class Card:
    """One thing the home page offers a person."""

    title: str
    description: str
    #: Flask endpoint (taking ``cohort_id``) the card opens; None while the page is coming.
    endpoint: str | None = None
    due: bool = False


#: A feature's cards for a viewer, from the values of its facts (pure).
CardRule = Callable[[Viewer, Mapping[str, Any]], Sequence[Card]]


@dataclass(frozen=True)
class HomeCards:
    """A feature's cards on the home page.

    In two parts so that the home page reads every feature's facts in one statement, however
    many features bring cards, and builds that statement once: ``facts`` are scalar SQL
    expressions by name (a scalar subquery, ``exists()``), about the viewer only through
    :func:`ctom_lti.card_facts.viewer_person_id` and
    :func:`ctom_lti.card_facts.viewer_cohort_id`; ``rule`` decides from their values.
    """

    rule: CardRule
    facts: Mapping[str, ColumnElement[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoSeedContext:
    """What ``ctom-lti demo`` hands each feature's seeder, once the course is built and synced.

    The sandbox is typed loosely because the registry sits below it in the layers; a seeder
    knows it is given a ``ctom_lti.sandbox.server.SandboxServer``.
    """

    app: Flask
    sandbox: Any
    #: The cohort file the demo course was synced from.
    cohort_file: Path
    #: The sandbox's admin API token (what an admin would paste into a registration).
    admin_token: str
    #: False under ``demo --empty``: seed profiles and settings, but no pairs or records.
    populate: bool
    say: Callable[[str], None]


@dataclass(frozen=True)
class CompletionFact:
    """One piece of a feature's evidence toward a candidate's programme completion.

    Features hand these to the completion check through :attr:`Feature.completion_facts`, so the
    check never imports a feature; its pure rules decide what the facts mean.
    """

    #: Which duty it evidences, stable across runs: ``report:2026-09``,
    #: ``reflection:security-fundamentals``.
    key: str
    state: Literal["done", "returned", "in_progress", "missing"]
    #: When it is (or was) due; None when it has no due date.
    due: date | None
    #: Words for the person, e.g. "September 2026 report returned for revision on 3 October".
    detail: str


#: A feature's completion evidence for a cohort as of a day: facts by candidate person id.
CompletionFacts = Callable[[Session, int, date], Mapping[int, tuple[CompletionFact, ...]]]

#: Seeds one feature's demo data; seeders run in the registry's order.
DemoSeeder = Callable[[DemoSeedContext], None]


@dataclass(frozen=True)
class Feature:
    """What one feature package brings to the application."""

    name: str
    blueprint: Blueprint
    pages: tuple[Page, ...] = ()
    #: The feature's cards on the home page.
    cards: HomeCards | None = None
    #: The module declaring the feature's tables (imported so the metadata is complete).
    models: ModuleType | None = None
    commands: tuple[click.Command, ...] = ()
    #: The feature's settings with their defaults, read with the app's own by the one loader
    #: (``ctom_lti.config``) from ``CTOM_<NAME>``; name them after the feature.
    settings: tuple[Setting, ...] = ()
    #: What the feature shows in ``ctom-lti demo`` (see :class:`DemoSeedContext`).
    demo_seed: DemoSeeder | None = None
    #: The feature's evidence for the programme-completion check (see :class:`CompletionFact`).
    completion_facts: CompletionFacts | None = None


@dataclass(frozen=True)
class FeatureRegistry:
    """The features of one app, in the order they were given (the navigation order)."""

    features: tuple[Feature, ...]
    _pages: dict[str, Page] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pages: dict[str, Page] = {}
        for feature in self.features:
            for page in feature.pages:
                if page.name in pages:
                    raise ValueError(f"two features declare the page {page.name!r}")
                pages[page.name] = page
        object.__setattr__(self, "_pages", pages)

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(self._pages.values())

    @cached_property
    def page_names(self) -> frozenset[str]:
        return frozenset(self._pages)

    def page(self, name: str) -> Page | None:
        return self._pages.get(name)

    def endpoint_of(self, name: str) -> str:
        """The endpoint of page ``name``; a LookupError if no feature serves it."""
        page = self._pages.get(name)
        if page is None:
            raise LookupError(f"no feature serves the page {name!r}")
        return page.endpoint

    def page_for_endpoint(self, endpoint: str | None) -> Page | None:
        return next((p for p in self._pages.values() if p.endpoint == endpoint), None)

    def page_title(self, name: str) -> str | None:
        """The title of page ``name``, whether a feature serves it or it is still coming."""
        page = self._pages.get(name)
        if page is not None:
            return page.title
        return next((p.title for p in PROGRAMME_PAGES if p.name == name), None)

    @cached_property
    def linkable_pages(self) -> tuple[LinkablePage, ...]:
        """The deep-link picker's pages: the programme's, then any other feature pages."""
        served = self._pages
        return tuple(
            p for p in self._link_pages() if p.name not in served or served[p.name].linkable
        )

    @cached_property
    def link_targets(self) -> tuple[LinkablePage, ...]:
        """Every page a launch may land on: the programme's and all the features' pages."""
        return self._link_pages()

    def _link_pages(self) -> tuple[LinkablePage, ...]:
        known = {p.name for p in PROGRAMME_PAGES}
        return (
            *(
                _linkable(self._pages[p.name]) if p.name in self._pages else p
                for p in PROGRAMME_PAGES
            ),
            *(_linkable(p) for p in self._pages.values() if p.name not in known),
        )

    def nav_pages(self, roles: frozenset[Role]) -> tuple[Page, ...]:
        """Pages in the navigation bar for someone holding ``roles``."""
        return tuple(p for p in self._pages.values() if p.nav_label and p.open_to(roles))

    @cached_property
    def card_facts(self) -> dict[str, ColumnElement[Any]]:
        """Every feature's card facts, labelled ``<feature>__<fact>``."""
        return {
            f"{feature.name}__{name}": expression
            for feature in self.features
            if feature.cards is not None
            for name, expression in feature.cards.facts.items()
        }

    def cards(self, viewer: Viewer, values: Mapping[str, Any]) -> list[Card]:
        """Every feature's home cards for ``viewer``, due ones first (otherwise in order).

        :param values: the values of :meth:`card_facts`, by the same labels.
        """
        cards: list[Card] = []
        for feature, labels in self._fact_labels:
            assert feature.cards is not None
            own = {name: values[label] for label, name in labels if label in values}
            cards += feature.cards.rule(viewer, own)
        return sorted(cards, key=lambda c: not c.due)

    @cached_property
    def _fact_labels(self) -> tuple[tuple[Feature, tuple[tuple[str, str], ...]], ...]:
        """Each feature with cards, and its facts' (label, name) pairs (see :meth:`card_facts`);
        worked out once, not on every home page."""
        return tuple(
            (feature, tuple((f"{feature.name}__{name}", name) for name in feature.cards.facts))
            for feature in self.features
            if feature.cards is not None
        )

    @property
    def model_modules(self) -> tuple[ModuleType, ...]:
        return tuple(f.models for f in self.features if f.models is not None)


def _linkable(page: Page) -> LinkablePage:
    return LinkablePage(page.name, page.title, page.per_principle, page.item_label)


def store_registry(app: Flask, features: Iterable[Feature]) -> FeatureRegistry:
    registry = FeatureRegistry(tuple(features))
    app.extensions[_EXTENSION_KEY] = registry
    return registry


def registry_of(app: Flask) -> FeatureRegistry:
    """The registry ``create_app`` stored on ``app``."""
    registry: FeatureRegistry = app.extensions[_EXTENSION_KEY]
    return registry
