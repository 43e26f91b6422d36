"""An admin refreshes the course roster from the tool's home page in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Membership, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool

pytestmark = pytest.mark.e2e


def test_admin_refreshes_the_roster_and_everyone_enrolled_is_known(
    tmp_path: Path,
    app: Flask,
    sandbox: SandboxServer,
    tool_server: ServerThread,
    launchable: dict[str, Any],
) -> None:
    store = sandbox.store
    course = launchable["course"]
    quiet = store.add_user("Omar Haddad", "ohaddad@district.example.org")
    store.enroll(quiet.id, course.id, "StudentEnrollment")
    admin = store.users[sandbox.admin_user_id]
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        # Any launch from the course tells the tool where the course's roster is.
        frame = open_tool(page, sandbox, course.name, admin.name)
        assert_accessible(frame, "home (admin)")
        frame.get_by_role("button", name="Refresh the roster from Canvas").click()
        frame.get_by_text("2 people enrolled, 2 new to the tool").wait_for()
        assert_accessible(frame, "home (admin) after a roster refresh")
        page.screenshot(path=str(tmp_path / "roster-refreshed.png"), full_page=True)
    with session_scope(app) as session:
        known = session.execute(
            select(Person.name, Membership.role, Membership.status).join(Membership.person)
        ).all()
    assert sorted(known) == [
        ("Alicia Moreno", "candidate", "active"),
        ("Omar Haddad", "candidate", "active"),
        (admin.name, "admin", "active"),
    ]
