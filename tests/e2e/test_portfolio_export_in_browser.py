"""A candidate exports their portfolio in a real browser, inside the sandbox Canvas's frame with
every cookie of the tool blocked: the export page shows its progress, then both files download
(the PDF read back with pypdf, the zip's index present). The pages pass axe-core."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Membership, Person
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from ctom_lti.tools.portfolio.storage import app_storage
from tests.e2e.a11y import assert_accessible
from tests.e2e.browser import chromium, first_page, open_tool
from tests.unit.tools.portfolio.export.sample import jpeg

pytestmark = pytest.mark.e2e


def _seed_portfolio(app: Flask, email: str) -> None:
    with session_scope(app) as s:
        person = s.scalars(select(Person).where(Person.email == email)).one()
        cohort_id = s.scalars(
            select(Membership.cohort_id).where(Membership.person_id == person.id)
        ).first()
        assert cohort_id is not None
        photo = jpeg(1600, 1200)
        s.add_all(
            [
                Reflection(
                    cohort_id=cohort_id,
                    candidate_person_id=person.id,
                    principle_key="security-fundamentals",
                    body="## Risk\n\nWhat I learned about **risk** assessment.",
                    status="shared",
                ),
                Artifact(
                    cohort_id=cohort_id,
                    candidate_person_id=person.id,
                    kind="file",
                    title="Server room photo",
                    file_hash=app_storage(app).put(photo),
                    file_size=len(photo),
                    media_type="image/jpeg",
                    original_name="room.jpg",
                    principle_keys=["security-fundamentals"],
                ),
            ]
        )


def test_a_candidate_exports_a_pdf_and_an_html_zip_with_cookies_blocked(
    tmp_path: Path, sandbox: SandboxServer, launchable: dict[str, Any], app: Flask
) -> None:
    course = launchable["course"]
    with chromium(tmp_path / "chromium", block_tool_site=True) as context:
        page = first_page(context)
        frame = open_tool(page, sandbox, course.name, "Alicia Moreno")
        _seed_portfolio(app, "amoreno@district.example.org")
        nav = frame.get_by_role("navigation", name="Tool")
        for kind, button in (("pdf", "Export as PDF"), ("zip", "Export as HTML website (zip)")):
            nav.get_by_role("link", name="Portfolio").click()
            frame.get_by_role("heading", name="Export your portfolio").wait_for()
            frame.get_by_role("button", name=button).click()
            frame.get_by_role("progressbar").wait_for()
            frame.get_by_text("Your export is ready.").wait_for(timeout=60_000)
            assert_accessible(frame, f"export page ({kind})")
            with page.expect_download() as info:
                frame.get_by_role("link", name="Download").click()
            download = info.value
            assert download.suggested_filename.startswith("portfolio-alicia-moreno-")
            assert download.suggested_filename.endswith(f".{kind}")
            data = Path(download.path()).read_bytes()
            if kind == "pdf":
                reader = PdfReader(io.BytesIO(data))
                titles = [i.title for i in reader.outline if not isinstance(i, list)]
                assert titles[:2] == ["Professional portfolio", "Coverage map"]
                assert len(reader.pages) >= 18
            else:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    assert "index.html" in archive.namelist()
                    assert "artifacts/01-room.jpg" in archive.namelist()
                    archive.extractall(tmp_path / "site")
        # The website opens from the unpacked folder, with no server: pages, links and images.
        offline = context.new_page()
        offline.goto((tmp_path / "site" / "index.html").as_uri())
        offline.get_by_role("heading", name="Professional portfolio of Alicia Moreno").wait_for()
        assert_accessible(offline, "exported website, index")
        offline.get_by_role("link", name="Security Fundamentals").click()
        offline.get_by_role("heading", name="Security Fundamentals", exact=True).wait_for()
        image = offline.get_by_role("img", name="Server room photo")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 1600
        assert_accessible(offline, "exported website, a principle")
