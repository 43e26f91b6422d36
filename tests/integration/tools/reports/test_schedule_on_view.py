"""The report pages keep the schedule in step as they are viewed, over real HTTP: a view of a
schedule already in step writes nothing; a pairing change is written in at most one statement of
each kind, once, and the mentor's page shows the new schedule; views racing to write the same
change all answer."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import make_url

from ctom_lti.db import get_engine, session_scope
from ctom_lti.models import Cohort, Person
from ctom_lti.serving import ServerThread
from ctom_lti.tools.pairing.models import Pairing
from ctom_lti.tools.reports.models import ProgressReport
from tests.integration.tools.reports.conftest import World, launch
from tests.integration.tools.reports.support import make_pairing
from tests.lti_fixtures import LaunchActions, drop_cookies

WRITES = ("INSERT", "UPDATE", "DELETE")


def browser_of(lti: LaunchActions, client: FlaskClient, who: str) -> requests.Session:
    """A browser holding the session a launch as ``who`` made (a browser of its own: a launch
    in the same browser would replace the session)."""
    drop_cookies(client)
    launch(lti, who)
    browser = requests.Session()
    cookies = client._cookies
    assert cookies is not None
    for cookie in cookies.values():
        browser.cookies.set(cookie.key, cookie.value)
    return browser


@contextmanager
def writes_seen(app: Flask) -> Iterator[list[str]]:
    """The INSERT/UPDATE/DELETE statements the tool's engine runs inside the block."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page(browser: requests.Session, url: str) -> str:
    response = browser.get(url, timeout=30)
    assert response.status_code == 200, response.text[-600:]
    return response.text


def repair(app: Flask, world: World) -> date:
    """Swap the two mentors' mentees from the middle of last month; the day they swapped."""
    people = world.people
    first_of_this = date.today().replace(day=1)
    swapped = (first_of_this - timedelta(days=1)).replace(day=15)
    with session_scope(app) as session:
        session.execute(
            update(Pairing)
            .where(Pairing.cohort_id == world.cohort_id)
            .values(status="ended", ended_on=swapped)
        )
        cohort = session.get_one(Cohort, world.cohort_id)
        for mentor, candidate in (("mentor", "candidate2"), ("mentor2", "candidate")):
            make_pairing(
                session,
                cohort,
                session.get_one(Person, people[mentor]),
                session.get_one(Person, people[candidate]),
                started_on=swapped,
            )
    return swapped


def mentors_rows(app: Flask, mentor_id: int) -> dict[int, tuple[int, date, date]]:
    """The mentor's reports: id -> (candidate, period start, period end)."""
    with session_scope(app) as session:
        return {
            r.id: (r.candidate_person_id, r.period_start, r.period_end)
            for r in session.scalars(
                select(ProgressReport).where(ProgressReport.mentor_person_id == mentor_id)
            )
        }


def linked_reports(html: str) -> set[int]:
    return {int(n) for n in re.findall(r"/reports/(\d+)\?", html)} | {
        int(n) for n in re.findall(r"/reports/(\d+)\"", html)
    }


def test_views_write_only_what_a_pairing_change_asks_for(
    app: Flask,
    client: FlaskClient,
    lti: LaunchActions,
    world: World,
    tool_server: ServerThread,
) -> None:
    base = f"{tool_server.base_url}/c/{world.cohort_id}/reports"
    instructor = browser_of(lti, client, "instructor")
    mentor = browser_of(lti, client, "mentor")
    with writes_seen(app) as seen:
        page(instructor, f"{base}/grid")
        page(mentor, base)
    assert seen == []  # the fixture's schedule is in step: the views only read
    before = mentors_rows(app, world.people["mentor"])

    swapped = repair(app, world)
    with writes_seen(app) as first_view:
        page(mentor, base)
    # Both old pairings' rows for last month shrink, and the months after drop; the new
    # pairings get last month's second half and this month: one statement of each kind.
    kinds = [s.lstrip().split()[0].upper() for s in first_view]
    assert sorted(kinds) == ["DELETE", "INSERT", "UPDATE"], first_view
    with writes_seen(app) as again:
        page(instructor, f"{base}/grid")
        shown = page(mentor, base)
        page(instructor, f"{base}/grid")
    assert again == []

    after = mentors_rows(app, world.people["mentor"])
    assert linked_reports(shown) == set(after)
    candidate, candidate2 = world.people["candidate"], world.people["candidate2"]
    # Their first mentee's reports end on the day of the swap; the new mentee's start on it.
    assert max(end for who, _, end in after.values() if who == candidate) == swapped
    assert min(start for who, start, _ in after.values() if who == candidate2) == swapped
    assert {i for i, (who, _, _) in after.items() if who == candidate} <= set(before)


@contextmanager
def write_lock_held(app: Flask) -> Iterator[None]:
    """Keep other connections from writing report rows (reads go on) until the block ends."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        assert url.database
        conn = sqlite3.connect(url.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("COMMIT")
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as pg:
            pg.execute(text("LOCK TABLE progress_report IN SHARE MODE"))
            yield
    finally:
        engine.dispose()


def test_views_racing_to_write_the_same_change_all_answer(
    app: Flask,
    client: FlaskClient,
    lti: LaunchActions,
    world: World,
    tool_server: ServerThread,
) -> None:
    base = f"{tool_server.base_url}/c/{world.cohort_id}/reports"
    instructor = browser_of(lti, client, "instructor")
    mentor = browser_of(lti, client, "mentor")
    repair(app, world)
    both_writing = threading.Event()
    writers: set[int] = set()

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        words = statement.lstrip().upper()
        if words.startswith(WRITES) and "PROGRESS_REPORT " in words:
            writers.add(threading.get_ident())
            if len(writers) >= 2:
                both_writing.set()

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with ThreadPoolExecutor(2) as pool:
            with write_lock_held(app):
                answers = [
                    pool.submit(instructor.get, f"{base}/grid", timeout=60),
                    pool.submit(mentor.get, base, timeout=60),
                ]
                # Both views read the same change and now wait to write it.
                assert both_writing.wait(30), "the views did not both come to write"
            statuses = [a.result().status_code for a in answers]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statuses == [200, 200]
    after = mentors_rows(app, world.people["mentor"])
    assert linked_reports(page(mentor, base)) == set(after)
