"""The candidate edits and deletes their evidence: racing edits are caught by version with
nothing lost, an artifact cited by a signed-off reflection stays, and a deleted file's content
is kept while another artifact still uses it."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from ctom_lti.tools.portfolio.storage import app_storage, content_hash
from tests.integration.tools.portfolio.support import Portfolios, arrange, csrf, launch_as
from tests.lti_fixtures import LaunchActions

KEY = "infrastructure"
OTHER = "fiscal-management"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def cohort(app: Flask, lti: LaunchActions) -> Portfolios:
    return arrange(app, lti)


def _upload(client: FlaskClient, cohort: Portfolios, title: str) -> int:
    response = client.post(
        cohort.url("/artifacts"),
        data={
            "csrf_token": csrf(client, cohort.url("/artifacts")),
            "kind": "file",
            "title": title,
            "principles": KEY,
            "file": (io.BytesIO(PDF), "plan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(cohort.url("/artifacts")).get_data(as_text=True)
    ids = re.findall(r"/artifacts/(\d+)/edit", page)
    return int(ids[-1])


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def test_the_candidate_retitles_retags_and_a_racing_edit_loses_nothing(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    artifact_id = _upload(client, cohort, "Network plan")
    url = cohort.url(f"/artifacts/{artifact_id}/edit")
    form = client.get(url).get_data(as_text=True)
    assert 'value="Network plan"' in form
    first_tab = {"csrf_token": csrf(client, url), "version": _version(form)}

    saved = client.post(
        url, data=first_tab | {"title": "Network refresh plan", "principles": [KEY, OTHER],
                               "session_number": "3"},
    )  # fmt: skip
    assert saved.status_code == 302
    with session_scope(app) as s:
        row = s.get(Artifact, artifact_id)
        assert row is not None
        assert (row.title, row.principle_keys, row.session_number, row.version) == (
            "Network refresh plan", [KEY, OTHER], 3, 2,
        )  # fmt: skip

    # A second tab still shows version 1: caught, its typing kept, the saved version shown.
    stale = client.post(url, data=first_tab | {"title": "My other title", "principles": KEY})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert 'value="My other title"' in page
    assert "Network refresh plan" in page and "nothing was overwritten" in page
    assert _version(page) == "2"
    # Bad input: a clear message, typing kept.
    bad = client.post(url, data=first_tab | {"version": "2", "title": "Kept", "principles": []})
    assert bad.status_code == 422
    assert "Tag it with at least one principle." in bad.get_data(as_text=True)
    assert 'value="Kept"' in bad.get_data(as_text=True)
    with session_scope(app) as s:
        row = s.get(Artifact, artifact_id)
        assert row is not None and row.title == "Network refresh plan"


def _delete(client: FlaskClient, cohort: Portfolios, artifact_id: int) -> tuple[int, str]:
    url = cohort.url(f"/artifacts/{artifact_id}/delete")
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', text)
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "version": version.group(1) if version else 1}
    )
    return response.status_code, response.get_data(as_text=True)


def test_deleting_a_file_keeps_content_another_artifact_still_uses(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    first = _upload(client, cohort, "Plan")
    second = _upload(client, cohort, "Same plan again")
    launch_as(lti, "mentor")
    review = cohort.url(f"/p/{cohort.people['candidate']}/reflection/{KEY}")
    commented = client.post(
        review + f"/artifact/{first}/comment",
        data={"csrf_token": csrf(client, review), "body": "Nice"},
    )
    assert commented.status_code == 302
    launch_as(lti, "candidate")
    storage = app_storage(app)
    digest = content_hash(PDF)

    confirm = client.get(cohort.url(f"/artifacts/{first}/delete")).get_data(as_text=True)
    assert "This cannot be undone." in confirm
    assert "1 comment on it will be deleted too" in confirm
    assert _delete(client, cohort, first)[0] == 302
    assert storage.exists(digest)  # "Same plan again" still uses it
    assert client.get(cohort.url(f"/files/{second}")).data == PDF
    assert _delete(client, cohort, second)[0] == 302
    assert not storage.exists(digest)
    with session_scope(app) as s:
        assert s.scalars(select(Artifact)).all() == []
        assert s.scalars(select(Comment).where(Comment.artifact_id.is_not(None))).all() == []


def test_a_signed_off_reflections_evidence_cannot_be_deleted(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    cited = _upload(client, cohort, "Closet survey")
    editor = cohort.url(f"/reflection/{KEY}")
    client.post(
        editor,
        data={"csrf_token": csrf(client, editor), "body": "Mapped the closets.", "version": 0,
              "cited": str(cited), "action": "share"},
    )  # fmt: skip
    launch_as(lti, "mentor")
    review = cohort.url(f"/p/{cohort.people['candidate']}/reflection/{KEY}")
    signed = client.post(review + "/sign-off", data={"csrf_token": csrf(client, review),
                                                     "version": 1})  # fmt: skip
    assert signed.status_code == 302
    launch_as(lti, "candidate")

    confirm = client.get(cohort.url(f"/artifacts/{cited}/delete")).get_data(as_text=True)
    assert "cannot be deleted now" in confirm and "Infrastructure" in confirm
    url = cohort.url(f"/artifacts/{cited}/delete")
    token = csrf(client, cohort.url("/artifacts"))
    refused = client.post(url, data={"csrf_token": token, "version": 1})
    assert refused.status_code == 422
    assert "signed-off reflection on Infrastructure" in refused.get_data(as_text=True)
    with session_scope(app) as s:
        assert s.get(Artifact, cited) is not None
    assert app_storage(app).exists(content_hash(PDF))


def test_deleting_cited_evidence_of_a_draft_uncites_it(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    cited = _upload(client, cohort, "Closet survey")
    editor = cohort.url(f"/reflection/{KEY}")
    client.post(
        editor,
        data={"csrf_token": csrf(client, editor), "body": "Draft.", "version": 0,
              "cited": str(cited)},
    )  # fmt: skip
    confirm = client.get(cohort.url(f"/artifacts/{cited}/delete")).get_data(as_text=True)
    assert "Infrastructure will no longer cite it" in confirm
    # A delete from a page older than an edit is caught.
    url = cohort.url(f"/artifacts/{cited}/delete")
    token = csrf(client, url)
    edit = cohort.url(f"/artifacts/{cited}/edit")
    client.post(edit, data={"csrf_token": token, "version": 1, "title": "Renamed",
                            "principles": KEY})  # fmt: skip
    stale = client.post(url, data={"csrf_token": token, "version": 1})
    assert stale.status_code == 409
    assert _delete(client, cohort, cited)[0] == 302
    with session_scope(app) as s:
        reflection = s.scalars(select(Reflection)).one()
        assert (reflection.cited_artifact_ids, reflection.body) == ([], "Draft.")


def test_each_page_titles_its_add_form_once(
    lti: LaunchActions, client: FlaskClient, cohort: Portfolios
) -> None:
    launch_as(lti, "candidate")
    evidence = client.get(cohort.url("/artifacts")).get_data(as_text=True)
    assert len(re.findall(r"<h[23][^>]*>Add evidence</h[23]>", evidence)) == 1
    reflection = client.get(cohort.url(f"/reflection/{KEY}")).get_data(as_text=True)
    assert re.search(r"<h2[^>]*>Evidence</h2>", reflection)
    assert len(re.findall(r"<h[23][^>]*>Add evidence</h[23]>", reflection)) == 1
