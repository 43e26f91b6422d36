"""The home page reads a fixed number of statements, however big the cohort and however many
features bring cards (each card's facts join the page's one statement)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import ColumnElement, event, exists, func, select
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from ctom_lti import app_features, create_app
from ctom_lti.card_facts import viewer_cohort_id, viewer_person_id
from ctom_lti.db import get_engine, session_scope, utcnow
from ctom_lti.features import Card, Feature, HomeCards, Viewer, registry_of
from ctom_lti.models import Membership, Person
from ctom_lti.tools.home.service import home_statements as build_home_statements
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed

#: Tables of the shared key/value store (used for sessions when there is no Redis).
_STORE_TABLES = ("lti_launch_state", "lti_session", "lti_cache", "lti_service_token")


def counting_feature(n: int) -> Feature:
    """A feature whose card says how many people its viewer's cohort has, and whether the
    viewer is among them: two facts, read with everyone else's."""
    facts: Mapping[str, ColumnElement[Any]] = {
        "members": select(func.count())
        .select_from(Membership)
        .where(Membership.cohort_id == viewer_cohort_id())
        .scalar_subquery(),
        "member": exists().where(Membership.person_id == viewer_person_id()),
    }

    def rule(viewer: Viewer, values: Mapping[str, Any]) -> Sequence[Card]:
        member = "you are one" if values["member"] else "you are not one"
        return (Card(f"Counter {n}", f"{values['members']} memberships; {member}."),)

    return Feature(
        name=f"counter{n}",
        blueprint=Blueprint(f"counter{n}", __name__),
        cards=HomeCards(rule, facts),
    )


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config, features=[*app_features(), *map(counting_feature, range(6))])
    yield app
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app)
    get_engine(app).dispose()


def home_statements(app: Flask, client: FlaskClient, location: str) -> tuple[list[str], str]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not any(table in statement for table in _STORE_TABLES):
            statements.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        page = client.get(location)
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    assert page.status_code == 200
    return statements, page.get_data(as_text=True)


def add_people(app: Flask, cohort_id: int, platform_id: int, count: int) -> None:
    with session_scope(app) as session:
        for i in range(count):
            person = Person(platform_id=platform_id, sub=f"extra-{i}", name=f"Extra {i:02d}")
            session.add(person)
            session.flush()
            session.add(
                Membership(
                    person_id=person.id,
                    cohort_id=cohort_id,
                    role="candidate",
                    last_launch_at=utcnow(),
                )
            )


@pytest.mark.parametrize("role", ["instructor", "candidate", "mentor"])
def test_the_home_page_reads_the_same_statements_for_one_member_or_many(
    app: Flask, client: FlaskClient, lti: LaunchActions, role: str
) -> None:
    location = landed(lti.launch(role, sub="viewer", mentees=("c-1", "c-2")))
    alone, page = home_statements(app, client, location)
    assert "Counter 5" in page
    assert "1 memberships; you are one." in page
    with session_scope(app) as session:
        cohort_id, platform_id = session.execute(
            select(Membership.cohort_id, Person.platform_id).join(Person)
        ).one()
    add_people(app, cohort_id, platform_id, 40)
    crowded, page = home_statements(app, client, location)
    assert "41 memberships; you are one." in page
    # One statement for the course and every card, one for the role's list.
    assert len(crowded) == len(alone) == 2, crowded
    if role == "instructor":
        # Everyone is counted; the 20 who opened it last are listed.
        assert "40 candidates, 1 instructor" in page
        assert page.count("<tr><td>") == 20


def test_each_card_is_read_with_the_others(
    app: Flask, client: FlaskClient, lti: LaunchActions
) -> None:
    location = landed(lti.launch("candidate"))
    statements, page = home_statements(app, client, location)
    # The course, the profile's card and the six counters' cards: one statement; the mentors
    # list: the other.
    assert len(statements) == 2, statements
    assert [f"Counter {n}" in page for n in range(6)] == [True] * 6
    assert "Complete your programme profile" in page


def test_the_card_facts_are_read_without_rewriting_the_statement(app: Flask) -> None:
    """SQLAlchemy writes some constants into a statement's text anew on every execution (the
    values of an ``IN`` list, the separator of ``aggregate_strings``); in the home page's one
    statement that cost more than running it. Facts use ``one_of`` and ``joined_text``."""
    facts = build_home_statements(registry_of(app).card_facts).facts
    assert isinstance(facts, ClauseElement)
    compiled = facts.compile(dialect=get_engine(app).dialect)
    assert isinstance(compiled, SQLCompiler)
    assert not compiled.post_compile_params, sorted(p.key for p in compiled.post_compile_params)
    assert not compiled.literal_execute_params
