"""A cohort belongs to one registration: another tenant's launch never adopts it.

Canvas Cloud schools share the issuer ``https://canvas.instructure.com`` and each numbers its
courses from 1, so two schools can both launch from "course 1234". The launches below go through
the tool's real login and launch endpoints, signed by a test platform.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.cli import main
from ctom_lti.cohorts.records import find_cohort, link_canvas_course
from ctom_lti.db import session_scope
from ctom_lti.models import Cohort, Membership
from tests.lti_fixtures import LaunchActions, Registered
from tests.lti_support import TestPlatform, landed

from .support import cohort_file, register_tenant

SCHOOL_A = "https://kern.instructure.com"
SCHOOL_B = "https://fresno.instructure.com"
SAME_COURSE_ID = "1234"


def _tenant(app: Flask, platform: TestPlatform, client_id: str, canvas_url: str) -> Registered:
    deployment = f"7:{client_id}"
    platform_id = register_tenant(
        app,
        issuer=platform.issuer,
        client_id=client_id,
        canvas_url=canvas_url,
        deployment_id=deployment,
        key_set_url=platform.jwks_url,
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.token_url,
    )
    return Registered(platform.issuer, client_id, deployment, platform_id)


def _cohort_of(session: Session, person_sub: str) -> Cohort:
    membership = session.scalars(
        select(Membership).join(Membership.person).where(Membership.person.has(sub=person_sub))
    ).one()
    return membership.cohort


def test_two_tenants_with_the_same_course_id_stay_apart(
    app: Flask, client: FlaskClient, test_platform: TestPlatform, tmp_path: Path, session: Session
) -> None:
    school_a = _tenant(app, test_platform, "10000000000001", SCHOOL_A)
    school_b = _tenant(app, test_platform, "20000000000002", SCHOOL_B)
    path = cohort_file(tmp_path, canvas_url=SCHOOL_A)
    imported = app.test_cli_runner().invoke(main, ["cohort", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    with session_scope(app) as s:
        # What sync does once it has found or made the course in school A's Canvas.
        link_canvas_course(s, find_cohort(s, "CTOM-2026-C12"), SAME_COURSE_ID)

    # School B launches first, from its own course 1234.
    b_launch = LaunchActions(client, test_platform, school_b).launch(
        "instructor",
        sub="teacher-b",
        context_id="b" * 40,
        context_title="Fresno leadership course",
        canvas_course_id=SAME_COURSE_ID,
    )
    page = client.get(landed(b_launch)).get_data(as_text=True)
    assert "Fresno leadership course" in page
    assert "CTO Mentor Program - Cohort 12" not in page

    a_cohort = find_cohort(session, "CTOM-2026-C12")
    assert a_cohort.platform_id == school_a.platform_id
    assert a_cohort.context_id is None  # still waiting for school A's own launch
    b_cohort = _cohort_of(session, "teacher-b")
    assert b_cohort.id != a_cohort.id
    assert b_cohort.platform_id == school_b.platform_id
    assert b_cohort.sis_course_id is None and b_cohort.time_zone is None

    # School A's launch from its course 1234 finds the cohort its file made.
    a_client = app.test_client()
    a_launch = LaunchActions(a_client, test_platform, school_a).launch(
        "candidate",
        sub="candidate-a",
        context_id="a" * 40,
        context_title="CTOM 12 (Canvas name)",
        canvas_course_id=SAME_COURSE_ID,
    )
    page = a_client.get(landed(a_launch)).get_data(as_text=True)
    assert "CTO Mentor Program - Cohort 12" in page
    session.expire_all()
    assert _cohort_of(session, "candidate-a").id == a_cohort.id
    assert session.get(Cohort, a_cohort.id).context_id == "a" * 40  # type: ignore[union-attr]
    assert len(session.scalars(select(Cohort)).all()) == 2


def test_a_course_launched_before_its_file_was_recorded_gains_the_calendar(
    app: Flask, client: FlaskClient, test_platform: TestPlatform, tmp_path: Path, session: Session
) -> None:
    school_a = _tenant(app, test_platform, "10000000000001", SCHOOL_A)
    launched = LaunchActions(client, test_platform, school_a).launch(
        "candidate", sub="early-bird", context_id="a" * 40, canvas_course_id=SAME_COURSE_ID
    )
    assert launched.status_code == 200
    path = cohort_file(tmp_path, canvas_url=SCHOOL_A)
    assert app.test_cli_runner().invoke(main, ["cohort", "import", str(path)]).exit_code == 0
    with session_scope(app) as s:
        kept = link_canvas_course(s, find_cohort(s, "CTOM-2026-C12"), SAME_COURSE_ID)
        kept_id = kept.id

    cohorts = session.scalars(select(Cohort)).all()
    assert [c.id for c in cohorts] == [kept_id]
    cohort = cohorts[0]
    assert cohort.context_id == "a" * 40
    assert cohort.sis_course_id == "CTOM-2026-C12"
    assert cohort.title == "CTO Mentor Program - Cohort 12"
    assert len(cohort.sessions) == 8
    assert _cohort_of(session, "early-bird").id == kept_id
