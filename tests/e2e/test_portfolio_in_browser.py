"""The portfolio in a real browser through the sandbox Canvas: an instructor places two
reflection links at once by deep linking; the candidate opens one from its module item, writes
(autosaved), adds a link and a file and shares; their mentor opens the same item, lands on the
review of that principle, comments and signs off. The pages pass axe-core."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Membership, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.pairing.models import Pairing
from ctom_lti.tools.portfolio.demo_seed import pdf
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool, sign_in

pytestmark = pytest.mark.e2e


def _pair(app: Flask, candidate_email: str, mentor_email: str) -> None:
    with session_scope(app) as s:
        people = {
            p.email: p.id
            for p in s.scalars(
                select(Person).where(Person.email.in_([candidate_email, mentor_email]))
            )
        }
        cohort_id = s.scalars(
            select(Membership.cohort_id).where(Membership.person_id == people[candidate_email])
        ).first()
        assert cohort_id is not None
        s.add(
            Pairing(
                cohort_id=cohort_id,
                mentor_person_id=people[mentor_email],
                candidate_person_id=people[candidate_email],
                status="active",
                origin="hand",
                started_on=date(2026, 9, 1),
            )
        )


def _open_item(page: Page, sandbox: SandboxServer, course_id: int, item_id: int) -> Frame:
    page.goto(f"{sandbox.base_url}/courses/{course_id}/modules/items/{item_id}")
    frame = page.frame(name="tool_content")
    assert frame is not None
    return frame


def test_reflection_links_evidence_sharing_comment_and_sign_off(
    tmp_path: Path, sandbox: SandboxServer, launchable: dict[str, Any], app: Flask
) -> None:
    store = sandbox.store
    course = launchable["course"]
    mentor = store.add_user(
        "Ruth Castellanos",
        "rcastellanos@district.example.org",
        email="rcastellanos@district.example.org",
    )
    store.enroll(mentor.id, course.id, "ObserverEnrollment")
    teacher = store.add_user(
        "Tess Teacher", "tteacher@district.example.org", email="tteacher@district.example.org"
    )
    store.enroll(teacher.id, course.id, "TeacherEnrollment")
    evidence = tmp_path / "network-plan.pdf"
    evidence.write_bytes(pdf("Network refresh plan"))
    with chromium(tmp_path / "chromium") as context:
        page = first_page(context)
        # The instructor places two reflection pages at once in a module.
        open_tool(page, sandbox, course.name, teacher.name)
        page.goto(
            f"{sandbox.base_url}/courses/{course.id}/external_tools/{launchable['tool'].id}"
            "/deep_link?placement=link_selection"
        )
        picker = page.frame(name="tool_content")
        assert picker is not None
        picker.get_by_role("heading", name="Add CTO Mentor pages").wait_for()
        picker.get_by_label("Reflection: Infrastructure").check()
        picker.get_by_label("Reflection: Fiscal Management").check()
        picker.get_by_role("button", name="Add to Canvas").click()
        for _ in range(100):
            items = {i.title: i for i in store.module_items.values() if i.type == "ExternalTool"}
            if len(items) == 2:
                break
            page.wait_for_timeout(100)
        assert set(items) == {"Reflection: Infrastructure", "Reflection: Fiscal Management"}
        for item in items.values():
            item.workflow_state = "active"
        infrastructure = items["Reflection: Infrastructure"].id

        # Candidate and mentor have opened the tool; the programme pairs them.
        open_tool(page, sandbox, course.name, mentor.name)
        sign_in(page, sandbox, "Alicia Moreno")
        frame = _open_item(page, sandbox, course.id, infrastructure)
        frame.get_by_role("heading", name="Reflection: Infrastructure").wait_for()
        _pair(app, "amoreno@district.example.org", "rcastellanos@district.example.org")

        # The candidate writes: the draft saves itself while focus stays in the text.
        box = frame.get_by_label("Your reflection")
        box.click()
        box.type("I mapped our **network** closets and costed a refresh.")
        frame.get_by_text("Saved.").wait_for(timeout=15_000)
        assert frame.evaluate("document.activeElement.id") == "body"
        assert_accessible(frame, "reflection editor")
        # A link, then a file, as evidence.
        frame.get_by_label("A link").check()
        frame.get_by_label("Title").fill("Closet survey spreadsheet")
        frame.get_by_label("Link address").fill("https://example.org/closets")
        frame.get_by_role("button", name="Add evidence").click()
        frame.get_by_text("to your evidence").wait_for()
        frame.get_by_label("A file").check()
        frame.get_by_label("Title").fill("Network refresh plan")
        frame.get_by_label("File", exact=True).set_input_files(str(evidence))
        frame.get_by_role("button", name="Add evidence").click()
        frame.get_by_text("Added “Network refresh plan” to your evidence.").wait_for()
        frame.get_by_label("Network refresh plan").check()
        frame.get_by_role("button", name="Share with mentor and instructors").click()
        frame.get_by_text("Shared with your mentor and instructors.").wait_for()
        assert "network" in frame.get_by_label("Your reflection").input_value()

        # The mentor opens the same module item: the review of their mentee's reflection.
        sign_in(page, sandbox, mentor.name)
        frame = _open_item(page, sandbox, course.id, infrastructure)
        frame.get_by_role("heading", name="Reflection: Infrastructure").wait_for()
        main = frame.locator("main")
        assert "<strong>network</strong>" in main.inner_html()
        assert "Network refresh plan" in main.inner_text()
        assert_accessible(frame, "reflection review")
        frame.locator("#comment-body").fill("Strong plan. Add the **E-rate** timeline next time.")
        frame.get_by_role("button", name="Post comment").last.click()
        frame.get_by_text("Comment added.").wait_for()
        frame.get_by_role("button", name="Sign off Infrastructure").click()
        frame.get_by_text("Signed off. The reflection is now locked.").wait_for()
        assert "E-rate" in frame.locator("main").inner_text()

    with session_scope(app) as s:
        reflection = s.scalars(select(Reflection)).one()
        assert (reflection.principle_key, reflection.status) == ("infrastructure", "signed_off")
        kinds = sorted(s.scalars(select(Artifact.kind)))
        assert kinds == ["file", "link"]
