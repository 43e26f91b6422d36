"""``ctom-lti sync`` records the cohort in the tool: calendar, Canvas course, mapping rows."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctom_lti.canvas_sync.models import SyncMapping, SyncRun
from ctom_lti.cli import main
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.models import Cohort
from tests.integration.cohorts.support import register_tenant
from tests.lti_fixtures import LaunchActions, Registered
from tests.lti_support import TestPlatform

from .conftest import EXAMPLE, TOOL_URL, SyncSetup

COHORT = EXAMPLE.replace('# base_url = "https://ctom.example.edu"', f'base_url = "{TOOL_URL}"')
CLOUD = "https://canvas.instructure.com"


def _sync(setup: SyncSetup, *args: str, token: str | None = None) -> Any:
    setup.write_cohort(COHORT)
    env = {
        "CTOM_CANVAS_URL": setup.sandbox.base_url,
        "CTOM_CANVAS_TOKEN": setup.sandbox.admin_token if token is None else token,
    }
    runner = setup.app.test_cli_runner()
    return runner.invoke(main, ["sync", str(setup.cohort_path), *args], env=env)


def test_sync_records_the_calendar_and_links_course_and_mapping(
    setup: SyncSetup, session: Session
) -> None:
    platform_id = register_tenant(
        setup.app, issuer=CLOUD, client_id="100", canvas_url=setup.sandbox.base_url
    )
    result = _sync(setup)
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output

    cohort = session.scalars(select(Cohort)).one()
    assert cohort.platform_id == platform_id
    assert cohort.sis_course_id == "CTOM-2026-C12"
    assert cohort.canvas_course_id == str(setup.course_id())
    calendar = calendar_of(cohort)
    assert calendar is not None and len(calendar.sessions) == 8
    assert calendar.sessions[3].location == "San Diego County Office of Education"

    mapped = session.scalar(select(func.count()).select_from(SyncMapping))
    assert mapped
    unlinked = select(func.count()).select_from(SyncMapping).where(SyncMapping.cohort_id.is_(None))
    assert session.scalar(unlinked) == 0
    assert session.scalars(select(SyncRun.cohort_id)).all() == [cohort.id]

    listed = setup.app.test_cli_runner().invoke(main, ["cohort", "list"])
    assert f"{setup.sandbox.base_url}/courses/{setup.course_id()}" in listed.output


def test_a_dry_run_records_nothing(setup: SyncSetup, session: Session) -> None:
    register_tenant(setup.app, issuer=CLOUD, client_id="100", canvas_url=setup.sandbox.base_url)
    result = _sync(setup, "--dry-run")
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_without_a_registration_the_course_is_synced_and_the_admin_told(
    setup: SyncSetup, session: Session
) -> None:
    result = _sync(setup)
    assert result.exit_code == 0, result.output
    assert f"no registration has the Canvas address {setup.sandbox.base_url}" in result.stderr
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0
    assert setup.course_id()


def test_rows_from_an_earlier_sync_join_the_cohort_once_it_is_recorded(
    setup: SyncSetup, session: Session
) -> None:
    assert _sync(setup).exit_code == 0  # no registration yet: nothing linked
    register_tenant(setup.app, issuer=CLOUD, client_id="100", canvas_url=setup.sandbox.base_url)
    again = _sync(setup)
    assert again.exit_code == 0, again.output
    cohort_id = session.scalar(select(Cohort.id))
    linked = session.scalars(select(SyncMapping.cohort_id).distinct()).all()
    assert linked == [cohort_id]


def test_several_registrations_on_one_canvas_need_platform_before_any_canvas_call(
    setup: SyncSetup, session: Session
) -> None:
    url = setup.sandbox.base_url
    register_tenant(setup.app, issuer=CLOUD, client_id="100", canvas_url=url)
    chosen = register_tenant(setup.app, issuer=CLOUD, client_id="200", canvas_url=url)
    unsure = _sync(setup)
    assert unsure.exit_code == 2
    assert "Several registrations have the Canvas address" in unsure.stderr
    assert len(setup.sandbox.log) == 0
    picked = _sync(setup, "--platform", "200")
    assert picked.exit_code == 0, picked.output
    assert session.scalar(select(Cohort.platform_id)) == chosen


def test_without_a_token_given_sync_uses_the_one_stored_with_the_registration(
    setup: SyncSetup, session: Session
) -> None:
    register_tenant(
        setup.app,
        issuer=CLOUD,
        client_id="100",
        canvas_url=setup.sandbox.base_url,
        canvas_token=setup.sandbox.admin_token,
    )
    result = _sync(setup, token="")
    assert result.exit_code == 0, result.output
    assert session.scalar(select(Cohort.canvas_course_id)) == str(setup.course_id())


def test_without_any_token_the_ways_to_give_one_are_named(setup: SyncSetup) -> None:
    register_tenant(setup.app, issuer=CLOUD, client_id="100", canvas_url=setup.sandbox.base_url)
    result = _sync(setup, token="")
    assert result.exit_code == 2
    assert "no Canvas API token" in result.stderr
    assert "store one with the registration" in result.stderr
    assert len(setup.sandbox.log) == 0


def test_a_course_people_launched_before_its_first_sync_keeps_one_cohort(
    setup: SyncSetup, session: Session, client: FlaskClient, test_platform: TestPlatform
) -> None:
    # The course exists in Canvas (sync will adopt it by SIS id) and people launch from it first.
    course = setup.sandbox.store.add_course("Cohort 12", sis_course_id="CTOM-2026-C12")
    platform_id = register_tenant(
        setup.app,
        issuer=test_platform.issuer,
        client_id="100",
        canvas_url=setup.sandbox.base_url,
        deployment_id="7:100",
        key_set_url=test_platform.jwks_url,
        auth_login_url=test_platform.auth_login_url,
        auth_token_url=test_platform.token_url,
    )
    registered = Registered(test_platform.issuer, "100", "7:100", platform_id)
    launched = LaunchActions(client, test_platform, registered).launch(
        "candidate", sub="early", context_id="c" * 40, canvas_course_id=str(course.id)
    )
    assert launched.status_code == 200

    result = _sync(setup)
    assert result.exit_code == 0, result.output

    cohort = session.scalars(select(Cohort)).one()
    assert (cohort.context_id, cohort.sis_course_id) == ("c" * 40, "CTOM-2026-C12")
    assert cohort.canvas_course_id == str(course.id)
    assert len(cohort.sessions) == 8
    assert session.scalars(select(SyncRun.cohort_id)).all() == [cohort.id]
    linked = session.scalars(select(SyncMapping.cohort_id).distinct()).all()
    assert linked == [cohort.id]
