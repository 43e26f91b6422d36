"""The home page of a cohort: parse → gather → render."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_session
from ctom_lti.features import Card, FeatureRegistry, registry_of
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.roles import ROLE_PRECEDENCE
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.web import cohort_links, tool_url
from ctom_lti.models import Cohort, Role
from ctom_lti.tools.home.rules import home_cards
from ctom_lti.tools.home.service import HomeStatements, home_statements, home_summary

bp = Blueprint("home", __name__, template_folder="templates")
_STATEMENTS = "ctom.home.statements"


@dataclass(frozen=True, slots=True)
class Action:
    """A card as the page shows it: its address is built here, not by the template (a call
    from a template costs several times a call from Python)."""

    title: str
    description: str
    #: None while the page is coming (or its feature is not served by this app).
    url: str | None
    due: bool


def _actions(cards: Sequence[Card], cohort_id: int, served: Container[str]) -> list[Action]:
    """The cards as the page shows them, their links built together (``cohort_links``)."""
    endpoints = [c.endpoint if c.endpoint and c.endpoint in served else None for c in cards]
    urls = iter(cohort_links([e for e in endpoints if e], cohort_id))
    return [
        Action(card.title, card.description, next(urls) if endpoint else None, card.due)
        for card, endpoint in zip(cards, endpoints, strict=True)
    ]


def _statements(registry: FeatureRegistry) -> HomeStatements:
    """The home page's statements for this app's features, built on first use."""
    statements: HomeStatements | None = current_app.extensions.get(_STATEMENTS)
    if statements is None:
        statements = home_statements(registry.card_facts)
        current_app.extensions[_STATEMENTS] = statements
    return statements


@bp.get("/c/<int:cohort_id>/")
@launch_required()
def index(launch: SessionLaunch, cohort_id: int) -> str:
    session = get_session()
    registry = registry_of(current_app)
    summary = home_summary(session, launch, _statements(registry))
    cards = home_cards(
        launch.roles, registry.cards(launch, summary.card_values), registry.page_names
    )
    # A link placed in Canvas for a page that has not shipped yet lands here; say so.
    requested = request.args.get("page", "")
    pending = registry.page_title(requested) if registry.page(requested) is None else None
    principle = None
    if pending and request.args.get("principle"):
        try:
            principle = load_curriculum().principle(request.args["principle"]).name
        except KeyError:
            principle = None
    actions = _actions(cards, launch.cohort_id, current_app.view_functions)
    return render_template(
        "home/index.html",
        launch=launch,
        summary=summary,
        # Split here: a filter chain in the template costs more than the whole split.
        due=[action for action in actions if action.due],
        others=[action for action in actions if not action.due],
        roles=[r.value for r in ROLE_PRECEDENCE if r in launch.roles],
        pending=pending,
        principle=principle,
    )


@bp.post("/c/<int:cohort_id>/roster/refresh")
@launch_required(Role.ADMIN)
def refresh_roster(launch: SessionLaunch, cohort_id: int) -> Response:
    """Admins: read the course roster from Canvas now (see ``ctom_lti.cohorts.roster``)."""
    from ctom_lti.cohorts.roster import refresh_roster as refresh

    session = get_session()
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None  # the launch was recorded in it
    outcome = refresh(current_app, session, cohort, actor_id=launch.person_id)
    session.commit()
    flash(outcome.describe(cohort.title), "success")
    return redirect(tool_url("home.index", cohort_id=cohort_id))
