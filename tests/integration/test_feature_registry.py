"""Adding a feature is declaring it: a tiny feature handed to ``create_app`` shows up everywhere.

Its page is served and guarded by role, the navigation and the home page offer it, the deep-link
picker can place it in Canvas, a placed link lands on it, and its command joins the CLI, without
touching any other package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import click
import pytest
from flask import Blueprint, Flask, render_template_string

from ctom_lti import app_features, create_app
from ctom_lti.db import get_engine
from ctom_lti.features import Card, Feature, HomeCards, Page, Viewer, registry_of
from ctom_lti.lti import claims
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

notes_bp = Blueprint("notes", __name__)


@notes_bp.get("/c/<int:cohort_id>/notes")
@launch_required()
def index(launch: SessionLaunch, cohort_id: int) -> str:
    return render_template_string(
        '{% extends "base.html" %}{% block content %}<h1>Cohort notes</h1>{% endblock %}'
    )


def notes_cards(viewer: Viewer, _facts: Mapping[str, Any]) -> Sequence[Card]:
    if Role.INSTRUCTOR not in viewer.roles:
        return ()
    return (Card("Cohort notes", "Jot down what the cohort needs next.", "notes.index"),)


@click.command("notes-count")
def notes_count() -> None:
    """How many notes there are."""
    click.echo("0 notes")


NOTES = Feature(
    name="notes",
    blueprint=notes_bp,
    pages=(
        Page(
            "notes",
            "Cohort notes",
            "notes.index",
            roles=frozenset({Role.INSTRUCTOR}),
            nav_label="Notes",
        ),
    ),
    cards=HomeCards(notes_cards),
    commands=(notes_count,),
)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """The application's features plus the notes feature, given in one list."""
    app = create_app(app_config, features=[*app_features(), NOTES])
    yield app
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app)
    get_engine(app).dispose()


def nav(page: str) -> list[str]:
    [bar] = re.findall(r'<nav aria-label="Tool">(.*?)</nav>', page)
    return re.findall(r">([^<]+)</a>", bar)


def test_the_new_feature_has_its_page_nav_entry_and_home_card(lti: LaunchActions) -> None:
    home_url = landed(lti.launch("instructor"))
    home = lti.client.get(home_url).get_data(as_text=True)
    assert nav(home) == [
        "Home",
        "Profile",
        "Pairing",
        "Reports",
        "Portfolio",
        "Completion",
        "Notes",
    ]
    assert "<strong>Cohort notes</strong></a> — Jot down what the cohort needs next." in home
    notes = lti.client.get(home_url + "notes")
    assert notes.status_code == 200
    text = notes.get_data(as_text=True)
    assert "<h1>Cohort notes</h1>" in text
    assert re.search(r'aria-current="page">Notes</a>', text)


def test_the_new_page_is_kept_to_the_roles_it_names(lti: LaunchActions) -> None:
    home_url = landed(lti.launch("candidate"))
    home = lti.client.get(home_url).get_data(as_text=True)
    assert nav(home) == ["Home", "Profile", "Pairing", "Reports", "Portfolio", "Completion"]
    assert "Cohort notes" not in home
    refused = lti.client.get(home_url + "notes")
    assert refused.status_code == 403
    assert "This page is for the instructor role" in refused.get_data(as_text=True)


def test_the_new_page_can_be_placed_in_canvas_and_its_links_land_on_it(
    lti: LaunchActions,
) -> None:
    picker_url = landed(
        lti.launch(
            "instructor", message_type=claims.DEEP_LINKING_REQUEST, placement="link_selection"
        )
    )
    picker = lti.client.get(picker_url).get_data(as_text=True)
    assert 'value="notes"' in picker and "Cohort notes" in picker
    placed = lti.launch("instructor", custom={"ctom_page": "notes"})
    assert landed(placed).endswith("/notes")


def test_the_new_command_joins_the_cli(app: Flask) -> None:
    assert registry_of(app).page("notes") is not None
    result = app.test_cli_runner().invoke(args=["notes-count"])
    assert result.exit_code == 0, result.output
    assert result.output == "0 notes\n"
