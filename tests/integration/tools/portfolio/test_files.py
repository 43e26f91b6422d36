"""Evidence files: checked on their content, stored by hash, served only as downloads to those
who may read the portfolio; refused uploads keep the reflection text typed so far."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.portfolio.export_source import export_document
from ctom_lti.tools.portfolio.models import Artifact
from ctom_lti.tools.portfolio.storage import app_storage
from tests.integration.tools.portfolio.support import Portfolios, arrange, csrf, launch_as
from tests.lti_fixtures import LaunchActions

KEY = "infrastructure"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PORTFOLIO_MAX_UPLOAD_MB": 1}


@pytest.fixture
def cohort(app: Flask, lti: LaunchActions) -> Portfolios:
    return arrange(app, lti)


def upload(
    client: FlaskClient, cohort: Portfolios, name: str, content: bytes, draft: str = ""
) -> Any:
    token = csrf(client, cohort.url(f"/reflection/{KEY}"))
    return client.post(
        cohort.url("/artifacts"),
        data={
            "csrf_token": token,
            "kind": "file",
            "title": f"Evidence {name}",
            "principle": KEY,
            "principles": KEY,
            "body_draft": draft,
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def test_a_pdf_is_stored_by_hash_and_downloaded_as_an_attachment(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    added = upload(client, cohort, "plan.html", PDF)  # the name lies; the content decides
    assert added.status_code == 302
    with session_scope(app) as s:
        artifact = s.scalars(select(Artifact)).one()
        assert (artifact.media_type, artifact.original_name) == ("application/pdf", "plan.pdf")
        assert app_storage(app).exists(artifact.file_hash or "")
        artifact_id = artifact.id
    page = client.get(cohort.url(f"/reflection/{KEY}")).get_data(as_text=True)
    assert "Evidence plan.html" in page
    got = client.get(cohort.url(f"/files/{artifact_id}?inline=1"))
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")  # never inline
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Type"] == "application/pdf"


def test_a_raster_image_may_be_shown_inline(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios, app: Flask
) -> None:
    launch_as(lti, "candidate")
    upload(client, cohort, "photo.png", PNG)
    with session_scope(app) as s:
        artifact_id = s.scalars(select(Artifact.id)).one()
    got = client.get(cohort.url(f"/files/{artifact_id}?inline=1"))
    assert got.headers["Content-Disposition"].startswith("inline")
    assert (
        client.get(cohort.url(f"/files/{artifact_id}"))
        .headers["Content-Disposition"]
        .startswith("attachment")
    )


@pytest.mark.parametrize(
    ("name", "content", "status", "says"),
    [
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", 422, "not an accepted type"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>', 422, "SVG"),
        ("empty.pdf", b"", 422, "empty"),
        ("big.pdf", b"%PDF-" + b"0" * 1_200_000, 413, "larger than 1 MB"),
    ],
)
def test_refused_uploads_say_why_and_keep_the_reflection_text(
    app: Flask,
    lti: LaunchActions,
    client: FlaskClient,
    cohort: Portfolios,
    *,
    name: str,
    content: bytes,
    status: int,
    says: str,
) -> None:
    launch_as(lti, "candidate")
    answer = upload(client, cohort, name, content, draft="My half-written thoughts")
    assert answer.status_code == status
    text = answer.get_data(as_text=True)
    assert says in text
    assert "My half-written thoughts</textarea>" in text
    with session_scope(app) as s:
        assert s.scalars(select(Artifact)).all() == []


def test_a_link_must_be_http_or_https(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    token = csrf(client, cohort.url("/artifacts"))
    fields = {"csrf_token": token, "kind": "link", "title": "Site", "principles": KEY}
    bad = client.post(cohort.url("/artifacts"), data={**fields, "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    good = client.post(cohort.url("/artifacts"), data={**fields, "url": "https://example.org/p"})
    assert good.status_code == 302
    page = client.get(cohort.url("/artifacts")).get_data(as_text=True)
    assert re.search(r'<a href="https://example.org/p" rel="noopener noreferrer nofollow"', page)


def test_the_export_document_holds_reflections_and_files(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    upload(client, cohort, "plan.pdf", PDF)
    with session_scope(app) as s:
        document = export_document(
            s, app_storage(app), cohort.cohort_id, cohort.people["candidate"]
        )
    assert len(document.principles) == 16
    [artifact] = document.artifacts
    assert artifact.open_file is not None and artifact.open_file().read() == PDF
    infrastructure = next(p for p in document.principles if p.key == KEY)
    assert infrastructure.artifact_keys == (artifact.key,)
