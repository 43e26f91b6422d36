"""A candidate exports their own portfolio from its page: the export builds in the background
while its progress is asked for, then downloads as a PDF or an HTML zip; nobody else can see
or fetch it. ``ctom-lti portfolio export`` writes the same files for an administrator."""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from ctom_lti.tools.portfolio.storage import app_storage
from tests.integration.tools.reports.support import make_pairing
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed
from tests.unit.tools.portfolio.export.sample import HOSTILE_MARKDOWN, jpeg

SUBS = {
    "candidate": "candid01-0000-4000-8000-000000000003",
    "candidate2": "candid02-0000-4000-8000-000000000004",
    "mentor": "mentor01-0000-4000-8000-000000000001",
}
SIS = "CTOM-EXPORT-1"


@dataclass(frozen=True)
class World:
    cohort_id: int
    people: dict[str, int]


def _launch(lti: LaunchActions, who: str) -> str:
    """Launch as ``who``; the URL the launch landed on (it carries the launch token)."""
    response = lti.launch(who.rstrip("2"), sub=SUBS[who])
    return landed(response)


@pytest.fixture
def world(app: Flask, lti: LaunchActions) -> World:
    for who in ("mentor", "candidate2", "candidate"):  # the candidate's session is the last one
        landed = _launch(lti, who)
    cohort_id = int(re.search(r"/c/(\d+)/", landed).group(1))  # type: ignore[union-attr]
    storage = app_storage(app)
    with session_scope(app) as s:
        people = {
            who: s.scalars(select(Person).where(Person.sub == sub)).one().id
            for who, sub in SUBS.items()
        }
        cohort = s.get_one(Cohort, cohort_id)
        cohort.sis_course_id = SIS
        cohort.title = "CTO Mentor Program - Cohort 12"
        candidate = s.get_one(Person, people["candidate"])
        candidate.name, candidate.email = "Alicia Moreno", "amoreno@district.example.org"
        mentor = s.get_one(Person, people["mentor"])
        mentor.name, mentor.email = "Ruth Castellanos", "rcastellanos@district.example.org"
        make_pairing(s, cohort, s.get_one(Person, people["mentor"]), candidate)
        photo = jpeg(2400, 1800)
        s.add_all(
            [
                Reflection(
                    cohort_id=cohort_id,
                    candidate_person_id=people["candidate"],
                    principle_key="security-fundamentals",
                    body=HOSTILE_MARKDOWN + "\n\nWhat I learned about **risk**.",
                    status="signed_off",
                    signed_off_by_person_id=people["mentor"],
                    signed_off_at=datetime(2026, 11, 20, 15, 30, tzinfo=UTC),
                ),
                Reflection(
                    cohort_id=cohort_id,
                    candidate_person_id=people["candidate"],
                    principle_key="infrastructure",
                    body="A draft about cabling.",
                    status="draft",
                ),
                Artifact(
                    cohort_id=cohort_id,
                    candidate_person_id=people["candidate"],
                    kind="file",
                    title="Server room photo",
                    file_hash=storage.put(photo),
                    file_size=len(photo),
                    media_type="image/jpeg",
                    original_name='../<script>alert(1)</script>"room".jpg',
                    principle_keys=["security-fundamentals", "infrastructure"],
                ),
                Artifact(
                    cohort_id=cohort_id,
                    candidate_person_id=people["candidate"],
                    kind="link",
                    title="District plan",
                    url="https://example.edu/plan",
                    principle_keys=["security-fundamentals"],
                    session_number=2,
                ),
            ]
        )
    return World(cohort_id, people)


def _csrf(client: FlaskClient, url: str) -> tuple[str, str]:
    """The export form's action and CSRF token on the portfolio page."""
    page = client.get(url).get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]*portfolio/export[^"]*)"', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert action and token, page[:500]
    return action.group(1).replace("&amp;", "&"), token.group(1)


def _export(client: FlaskClient, world: World, kind: str) -> tuple[Any, dict[str, Any]]:
    """Start an export from the portfolio page, follow its status to the end, download it."""
    action, token = _csrf(client, f"/c/{world.cohort_id}/portfolio")
    started = client.post(action, data={"csrf_token": token, "kind": kind})
    assert started.status_code == 303
    page_url = str(started.headers["Location"])
    page = client.get(page_url)
    assert page.status_code == 200
    assert "<progress" in page.get_data(as_text=True)
    status_url = re.search(r'data-status-url="([^"]+)"', page.get_data(as_text=True))
    assert status_url
    deadline = time.monotonic() + 60
    while True:
        status = client.get(status_url.group(1).replace("&amp;", "&")).get_json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status["state"] == "done", status
    assert status["percent"] == 100
    download = client.get(status["download"])
    assert download.status_code == 200
    return download, {"page": page_url, **status}


def test_the_candidate_downloads_their_portfolio_as_pdf(client: FlaskClient, world: World) -> None:
    download, _ = _export(client, world, "pdf")
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r"portfolio-alicia-moreno-\d{4}-\d\d-\d\d\.pdf", disposition)
    reader = PdfReader(io.BytesIO(download.get_data()))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Professional portfolio", "Coverage map", "Technology"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Alicia Moreno" in text
    assert "Ruth Castellanos" in text  # the mentor, and who signed off
    assert "CTO Mentor Program - Cohort 12" in text
    assert "<script>alert('reflection')</script>" in text  # as typed, never as markup
    assert any(page.images for page in reader.pages)


def test_the_candidate_downloads_their_portfolio_as_an_html_zip(
    client: FlaskClient, world: World
) -> None:
    download, _ = _export(client, world, "html")
    assert download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        names = archive.namelist()
        assert "index.html" in names
        assert "principle-security-fundamentals.html" in names
        files = [n for n in names if n.startswith("artifacts/")]
        assert files == ["artifacts/01-script-room.jpg"]  # the hostile name made plain
        index = archive.read("index.html").decode()
        assert "Alicia Moreno" in index
        assert "1 of 16 principles" in index


def test_nobody_else_sees_or_fetches_the_export(
    app: Flask, client: FlaskClient, lti: LaunchActions, world: World
) -> None:
    _, status = _export(client, world, "html")
    # Without the query: a launch token there would speak for the candidate whoever sends it.
    download = status["download"].split("?")[0]
    urls = [status["page"].split("?")[0], download, download.replace("/download", "/status")]
    for who in ("candidate2", "mentor"):  # the same browser, now someone else's session
        _launch(lti, who)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)


def test_the_mentor_exports_their_mentees_portfolio_but_nobody_elses(
    client: FlaskClient, lti: LaunchActions, world: World
) -> None:
    _launch(lti, "mentor")
    candidate = world.people["candidate"]
    page = f"/c/{world.cohort_id}/portfolio/p/{candidate}"
    action, token = _csrf(client, page)
    assert f'name="candidate_id" value="{candidate}"' in client.get(page).get_data(as_text=True)
    started = client.post(
        action, data={"csrf_token": token, "kind": "pdf", "candidate_id": candidate}
    )
    assert started.status_code == 303
    location = urlsplit(str(started.headers["Location"]))
    status_url = urlunsplit(location._replace(path=location.path + "/status"))
    deadline = time.monotonic() + 60
    while (status := client.get(status_url).get_json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert status["state"] == "done"
    reader = PdfReader(io.BytesIO(client.get(status["download"]).get_data()))
    assert "Alicia Moreno" in reader.pages[0].extract_text()
    other = world.people["candidate2"]
    refused = client.post(action, data={"csrf_token": token, "kind": "pdf", "candidate_id": other})
    assert refused.status_code == 404
    assert client.post(action, data={"csrf_token": token, "kind": "pdf"}).status_code == 404
    garbage = client.post(action, data={"csrf_token": token, "kind": "pdf", "candidate_id": "-1"})
    assert garbage.status_code == 404


def test_an_unknown_export_kind_or_job_is_not_found(client: FlaskClient, world: World) -> None:
    action, token = _csrf(client, f"/c/{world.cohort_id}/portfolio")
    assert client.post(action, data={"csrf_token": token, "kind": "docx"}).status_code == 404
    missing = f"/c/{world.cohort_id}/portfolio/export/{'x' * 24}"
    assert client.get(missing).status_code == 404
    assert client.get(missing + "/download").status_code == 404
    assert client.post(action, data={"kind": "pdf"}).status_code == 400  # no CSRF token


def test_the_command_writes_both_files_into_the_folder(
    runner: Any, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    result = runner.invoke(
        args=["portfolio", "export", "--cohort", SIS, "--candidate",
              "AMoreno@district.example.org", "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert [Path(n).suffix for n in written] == [".pdf", ".zip"]
    assert all(n.startswith("portfolio-alicia-moreno-") for n in written)
    assert len(PdfReader(out / written[0]).pages) >= 18
    assert "index.html" in zipfile.ZipFile(out / written[1]).namelist()
    only_pdf = runner.invoke(
        args=["portfolio", "export", "--cohort", SIS, "--candidate",
              "amoreno@district.example.org", "--out", str(tmp_path / "pdf"), "--pdf"]
    )  # fmt: skip
    assert only_pdf.exit_code == 0, only_pdf.output
    assert [p.suffix for p in (tmp_path / "pdf").iterdir()] == [".pdf"]


def test_the_command_names_what_is_wrong(runner: Any, world: World, tmp_path: Path) -> None:
    out = tmp_path / "out"
    nobody = runner.invoke(
        args=["portfolio", "export", "--cohort", SIS, "--candidate", "nobody@example.org",
              "--out", str(out)]
    )  # fmt: skip
    assert nobody.exit_code == 2
    assert "No candidate with the email nobody@example.org" in nobody.output
    mentor = runner.invoke(
        args=["portfolio", "export", "--cohort", SIS, "--candidate",
              "RCastellanos@district.example.org", "--out", str(out)]
    )  # fmt: skip
    assert mentor.exit_code == 2  # a mentor has no portfolio
    no_cohort = runner.invoke(
        args=["portfolio", "export", "--cohort", "NO-SUCH-COHORT", "--candidate",
              "amoreno@district.example.org", "--out", str(out)]
    )  # fmt: skip
    assert no_cohort.exit_code == 2
    assert not out.exists()
