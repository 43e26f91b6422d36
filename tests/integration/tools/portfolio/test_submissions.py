"""A candidate adds one of their own Canvas submissions as evidence, picked from the list the
tool reads from the sandbox Canvas over HTTP with the registration's token; a forged choice is
refused, and when Canvas cannot be reached the page says so and files and links still work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.canvas import make_canvas_gateway
from ctom_lti.db import session_scope
from ctom_lti.lti.registrations import RegistrationInput, register_platform
from ctom_lti.models import Person
from ctom_lti.sandbox import content, grading
from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.tools.portfolio.export.document import ArtifactKind
from ctom_lti.tools.portfolio.export_source import export_document
from ctom_lti.tools.portfolio.models import Artifact, Reflection
from ctom_lti.tools.portfolio.storage import app_storage
from tests.integration.tools.portfolio.support import SUBS, csrf
from tests.lti_fixtures import CLIENT_ID, DEPLOYMENT_ID, LaunchActions, Registered
from tests.lti_support import TestPlatform, landed

KEY = "project-management"
HANDED_IN = datetime(2026, 10, 9, 18, 30, tzinfo=UTC)


@pytest.fixture
def registered(app: Flask, test_platform: TestPlatform, sandbox: SandboxServer) -> Registered:
    """The test platform registered with the sandbox's address and an admin API token, as
    ``ctom-lti platform add --canvas-url`` stores them."""
    result = register_platform(
        app,
        RegistrationInput(
            issuer=test_platform.issuer,
            client_id=CLIENT_ID,
            auth_login_url=test_platform.auth_login_url,
            auth_token_url=test_platform.token_url,
            key_set_url=test_platform.jwks_url,
            deployment_ids=(DEPLOYMENT_ID,),
            canvas_url=sandbox.base_url,
            canvas_token=sandbox.admin_token,
        ),
    )
    return Registered(test_platform.issuer, CLIENT_ID, DEPLOYMENT_ID, result.platform_id)


@dataclass(frozen=True)
class Course:
    id: int
    alicia: int
    bruno: int
    #: Alicia's hand-ins: assignment name → (assignment id, submission id)
    mine: dict[str, tuple[int, int]]
    #: Bruno's hand-in of the same assignment
    theirs: tuple[int, int]


def _assignment(sandbox: SandboxServer, course_id: int, name: str, **fields: object) -> Assignment:
    return content.create_assignment(
        sandbox.store,
        course_id,
        name,
        published=True,
        submission_types=["online_url", "online_upload"],
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def course(sandbox: SandboxServer) -> Course:
    """Alicia handed in two pieces (one graded since); a third assignment she never touched, one
    graded without a hand-in, an unpublished one; Bruno handed in the capstone too."""
    store = sandbox.store
    made = store.add_course("Cohort 12", course_code="C12", workflow_state="available")
    alicia = store.add_user("Alicia Moreno", "amoreno", email="a@example.org")
    bruno = store.add_user("Bruno Diaz", "bdiaz", email="b@example.org")
    for user in (alicia, bruno):
        store.enroll(user.id, made.id, "StudentEnrollment")
    capstone = _assignment(sandbox, made.id, "Capstone technology plan")
    budget = _assignment(sandbox, made.id, "Budget memo")
    _assignment(sandbox, made.id, "Session 3 reading")
    attendance = _assignment(sandbox, made.id, "Session 1 attendance", grading_type="pass_fail")
    hidden = _assignment(sandbox, made.id, "Draft assignment")
    content.set_assignment_published(hidden, False)
    plan = grading.hand_in(store, capstone, alicia.id, url="https://example.org/plan", at=HANDED_IN)
    memo = grading.hand_in(store, budget, alicia.id, submission_type="online_upload")
    grading.grade_submission(store, budget, alicia.id, "10", sandbox.admin_user_id)
    grading.grade_submission(store, attendance, alicia.id, "complete", sandbox.admin_user_id)
    grading.hand_in(store, hidden, alicia.id)
    other = grading.hand_in(store, capstone, bruno.id)
    return Course(
        made.id,
        alicia.id,
        bruno.id,
        {
            "Capstone technology plan": (capstone.id, plan.id),
            "Budget memo": (budget.id, memo.id),
        },
        (capstone.id, other.id),
    )


def test_the_gateway_lists_one_students_handed_in_work_across_pages(
    sandbox: SandboxServer, course: Course
) -> None:
    # Enough assignments that the student's list takes two pages of 100.
    for n in range(100):
        _assignment(sandbox, course.id, f"Weekly note {n:03d}")
    last = _assignment(sandbox, course.id, "Final presentation")
    grading.hand_in(sandbox.store, last, course.alicia, submission_type="online_upload")
    gateway = make_canvas_gateway(sandbox.base_url, sandbox.admin_token)
    sandbox.log.clear()

    found = gateway.list_handed_in(course.id, course.alicia)

    assert sorted((s.assignment_name, s.workflow_state) for s in found) == [
        ("Budget memo", "graded"),
        ("Capstone technology plan", "submitted"),
        ("Final presentation", "submitted"),
    ]
    assert {s.user_id for s in found} == {course.alicia}
    plan = next(s for s in found if s.assignment_name == "Capstone technology plan")
    assert plan.submitted_at == HANDED_IN
    assert plan.html_url == (
        f"{sandbox.base_url}/courses/{course.id}/assignments/{plan.assignment_id}"
        f"/submissions/{course.alicia}"
    )
    requests = sandbox.log.entries(method="GET")
    assert len(requests) == 2
    assert requests[0].path == f"/api/v1/courses/{course.id}/students/submissions"
    assert f"student_ids%5B%5D={course.alicia}" in requests[0].query
    assert "include%5B%5D=assignment" in requests[0].query


def _launch(lti: LaunchActions, who: str, course: Course, canvas_user: int) -> int:
    location = landed(
        lti.launch(
            "candidate",
            sub=SUBS[who],
            canvas_course_id=str(course.id),
            custom={"canvas_user_id": str(canvas_user)},
        )
    )
    found = re.search(r"/c/(\d+)/", str(location))
    assert found
    return int(found.group(1))


def _add(client: FlaskClient, cohort_id: int, **fields: str) -> tuple[int, str]:
    url = f"/c/{cohort_id}/portfolio/artifacts"
    data = {"csrf_token": csrf(client, url), "kind": "canvas_submission", "principles": KEY}
    response = client.post(url, data=data | fields)
    return response.status_code, response.get_data(as_text=True)


def test_the_candidate_picks_their_submission_and_it_becomes_evidence(
    app: Flask, lti: LaunchActions, client: FlaskClient, sandbox: SandboxServer, course: Course
) -> None:
    cohort_id = _launch(lti, "candidate", course, course.alicia)
    page = client.get(f"/c/{cohort_id}/portfolio/artifacts").get_data(as_text=True)
    assert "Capstone technology plan" in page
    assert "handed in 09 October 2026" in page
    assert "Budget memo" in page
    # Not handed in, graded without a hand-in, or unpublished: not offered.
    for absent in ("Session 3 reading", "Session 1 attendance", "Draft assignment"):
        assert absent not in page
    aid, sid = course.mine["Capstone technology plan"]
    assert f'value="{aid}:{sid}"' in page

    status, _ = _add(client, cohort_id, submission=f"{aid}:{sid}", title="", session_number="2")
    assert status == 302
    with session_scope(app) as s:
        artifact = s.scalars(select(Artifact)).one()
        assert (artifact.kind, artifact.title, artifact.session_number) == (
            "canvas_submission",
            "Capstone technology plan",
            2,
        )
        assert (artifact.canvas_assignment_id, artifact.canvas_submission_id) == (
            str(aid),
            str(sid),
        )
        assert artifact.url == (
            f"{sandbox.base_url}/courses/{course.id}/assignments/{aid}/submissions/{course.alicia}"
        )
        artifact_id, url = artifact.id, artifact.url
    listed = client.get(f"/c/{cohort_id}/portfolio/artifacts").get_data(as_text=True)
    assert f'href="{url}"' in listed and "(Canvas submission)" in listed

    # The same submission twice is refused; the reflection can cite it; exports link to it.
    status, body = _add(client, cohort_id, submission=f"{aid}:{sid}", title="Again")
    assert status == 422 and "already in your evidence" in body
    editor = f"/c/{cohort_id}/portfolio/reflection/{KEY}"
    saved = client.post(
        editor,
        data={"csrf_token": csrf(client, editor), "body": "See my plan.", "version": 0,
              "cited": str(artifact_id)},
    )  # fmt: skip
    assert saved.status_code == 302
    with session_scope(app) as s:
        assert s.scalars(select(Reflection)).one().cited_artifact_ids == [artifact_id]
        owner = s.scalars(select(Person.id).where(Person.sub == SUBS["candidate"])).one()
        document = export_document(s, app_storage(app), cohort_id, owner)
    entries = [e for e in document.artifacts if e.kind is ArtifactKind.SUBMISSION]
    assert [(e.title, e.url) for e in entries] == [("Capstone technology plan", url)]


def test_a_forged_or_foreign_submission_is_refused_and_the_form_kept(
    app: Flask, lti: LaunchActions, client: FlaskClient, course: Course
) -> None:
    cohort_id = _launch(lti, "candidate", course, course.alicia)
    aid, sid = course.theirs  # Bruno's hand-in of the same assignment
    mine_aid, _ = course.mine["Budget memo"]
    for forged in (f"{aid}:{sid}", f"{mine_aid}:{sid}", f"{aid}:999999", "1 OR 1=1", ""):
        status, body = _add(client, cohort_id, submission=forged, title="My typed title")
        assert status == 422, forged
        assert (
            "not one of your handed-in submissions" in body
            or "Choose one of your Canvas submissions from the list." in body
        )
        assert 'value="My typed title"' in body
        assert 'id="kind-submission" value="canvas_submission" checked' in body
    with session_scope(app) as s:
        assert s.scalars(select(Artifact)).all() == []


def test_another_candidate_sees_and_adds_only_their_own(
    app: Flask, lti: LaunchActions, client: FlaskClient, course: Course
) -> None:
    cohort_id = _launch(lti, "candidate2", course, course.bruno)
    page = client.get(f"/c/{cohort_id}/portfolio/artifacts").get_data(as_text=True)
    assert "Capstone technology plan" in page and "Budget memo" not in page
    aid, sid = course.mine["Capstone technology plan"]
    status, _ = _add(client, cohort_id, submission=f"{aid}:{sid}", title="Taken")
    assert status == 422
    status, _ = _add(client, cohort_id, submission="{}:{}".format(*course.theirs), title="")
    assert status == 302


def test_when_canvas_cannot_be_reached_the_page_says_so_and_links_still_work(
    app: Flask, lti: LaunchActions, client: FlaskClient, sandbox: SandboxServer, course: Course
) -> None:
    cohort_id = _launch(lti, "candidate", course, course.alicia)
    url = f"/c/{cohort_id}/portfolio/artifacts"
    aid, sid = course.mine["Budget memo"]
    with sandbox.knobs.override(error_rate=1.0):
        page = client.get(url)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Your Canvas submissions could not be read" in text
        assert "Files and links can still be added." in text
        status, body = _add(client, cohort_id, submission=f"{aid}:{sid}", title="Memo")
        assert status == 503
        assert "Nothing was added." in body and 'value="Memo"' in body
        linked = client.post(
            url,
            data={"csrf_token": csrf(client, url), "kind": "link", "title": "Slides",
                  "url": "https://example.org/slides", "principles": KEY},
        )  # fmt: skip
        assert linked.status_code == 302
    with session_scope(app) as s:
        assert [a.kind for a in s.scalars(select(Artifact))] == ["link"]


def test_without_a_linked_canvas_account_the_page_says_why(
    lti: LaunchActions, client: FlaskClient, course: Course
) -> None:
    location = landed(lti.launch("candidate", sub=SUBS["candidate"], canvas_course_id=""))
    found = re.search(r"/c/(\d+)/", str(location))
    assert found
    page = client.get(f"/c/{found.group(1)}/portfolio/artifacts").get_data(as_text=True)
    assert "not linked to CTO Mentor" in page
