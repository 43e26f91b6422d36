"""Writing, saving, submitting, reviewing and revising a report through its pages: the versions
and the audit log follow each step, a refused save keeps what was typed (422), a racing save is
caught (409) and shows both versions."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ctom_lti.db import session_scope
from ctom_lti.grades import GradePost
from ctom_lti.models import AuditEvent
from ctom_lti.tools.reports.models import ProgressReport
from tests.integration.tools.reports.conftest import World, csrf, launch
from tests.lti_fixtures import LaunchActions

COMPLETE = {
    "meetings-0-on": "2026-09-20",
    "meetings-0-mode": "video",
    "meetings-0-minutes": "45",
    "communication": "Weekly emails; answers within a day.",
    "rating_infrastructure": "progressing",
    "note_infrastructure": "Network refresh plan drafted.",
    "strengths": "Clear writer, well organised.",
    "next_steps": "Finish the refresh budget by the next session.",
    "overall": "on_track",
    "shared": ["meetings", "strengths", "next_steps"],
}


def _url(world: World, tail: str = "") -> str:
    return f"/c/{world.cohort_id}/reports/{world.report_id}{tail}"


def _report(app: Flask, world: World) -> ProgressReport:
    with session_scope(app) as s:
        report = s.get(ProgressReport, world.report_id)
        assert report is not None
        s.expunge(report)
        return report


def _post(client: FlaskClient, url: str, token: str, version: int, **fields: Any) -> Any:
    return client.post(url, data={"csrf_token": token, "version": str(version), **fields})


def _audit(app: Flask) -> list[str]:
    with session_scope(app) as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("report.%"))
                .order_by(AuditEvent.id)
            )
        )


def test_a_mentor_saves_a_draft_submits_and_the_report_locks(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    index = client.get(f"/c/{world.cohort_id}/reports").get_data(as_text=True)
    assert _url(world) in index
    token = csrf(client, _url(world))
    saved = _post(client, _url(world), token, 1, action="save", strengths="Half-written")
    assert saved.status_code == 302
    report = _report(app, world)
    assert (report.status, report.version) == ("draft", 2)
    assert report.content["strengths"] == "Half-written"
    page = client.get(_url(world)).get_data(as_text=True)
    assert "Half-written" in page
    submitted = _post(client, _url(world), token, 2, action="submit", **COMPLETE)
    assert submitted.status_code == 302
    report = _report(app, world)
    assert (report.status, report.version, report.submissions) == ("submitted", 3, 1)
    assert report.submitted_at is not None
    # Locked: another save is refused and changes nothing.
    again = _post(client, _url(world), token, 3, action="save", strengths="Changed later")
    assert again.status_code == 409
    assert _report(app, world).content["strengths"] == COMPLETE["strengths"]
    assert _audit(app) == ["report.save", "report.submit"]


def test_an_incomplete_submission_is_refused_keeping_what_was_typed(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    refused = _post(client, _url(world), token, 1, action="submit", strengths="Kept text 123")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Kept text 123" in page
    assert "Choose the candidate&#39;s overall status." in page
    assert _report(app, world).status == "not_started"


def test_bad_input_is_a_422_keeping_everything_typed(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    bad = _post(
        client, _url(world), token, 1, action="save",
        **{"meetings-0-on": "2026-13-40", "meetings-0-mode": "video", "meetings-0-minutes": "lots"},
        strengths="Typed before the mistake",
    )  # fmt: skip
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Typed before the mistake" in page and 'value="lots"' in page
    assert "Enter the meeting&#39;s date" in page
    assert _report(app, world).version == 1


def test_a_racing_save_is_a_409_showing_both_versions(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    # Another tab saved first.
    assert (
        _post(client, _url(world), token, 1, action="save", strengths="From tab one").status_code
        == 302
    )
    stale = _post(client, _url(world), token, 1, action="save", strengths="From tab two")
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "From tab one" in page and "From tab two" in page
    assert 'name="version" value="2"' in page
    assert _report(app, world).content["strengths"] == "From tab one"
    # Saving again from the kept form replaces the other version, knowingly.
    assert (
        _post(client, _url(world), token, 2, action="save", strengths="From tab two").status_code
        == 302
    )
    assert _report(app, world).content["strengths"] == "From tab two"


def test_autosave_answers_json_and_moves_the_version(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    first = _post(client, _url(world, "/autosave"), token, 1, strengths="Typing")
    assert first.status_code == 200
    assert first.get_json()["version"] == 2
    # Nothing changed: nothing written.
    same = _post(client, _url(world, "/autosave"), token, 2, strengths="Typing")
    assert same.get_json()["version"] == 2
    stale = _post(client, _url(world, "/autosave"), token, 1, strengths="Old tab")
    assert stale.status_code == 409
    assert _report(app, world).content["strengths"] == "Typing"
    assert _audit(app) == ["report.save"]


def test_return_revise_resubmit_acknowledge_and_the_candidate_reads_the_shared_parts(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    assert (
        _post(
            client, _url(world), token, 1, action="submit", concerns="Private worry", **COMPLETE
        ).status_code
        == 302
    )
    launch(lti, "instructor")
    review = client.get(_url(world)).get_data(as_text=True)
    assert "Private worry" in review and "Acknowledge" in review
    token = csrf(client, _url(world))
    no_comment = _post(client, _url(world, "/review"), token, 2, decision="return", comment="")
    assert no_comment.status_code == 422
    returned = _post(
        client,
        _url(world, "/review"),
        token,
        2,
        decision="return",
        comment="Add the second meeting.",
    )
    assert returned.status_code == 302
    assert _report(app, world).status == "returned"
    launch(lti, "mentor")
    page = client.get(_url(world)).get_data(as_text=True)
    assert "Add the second meeting." in page
    token = csrf(client, _url(world))
    revised = dict(
        COMPLETE,
        **{"meetings-1-on": "2026-09-27", "meetings-1-mode": "phone", "meetings-1-minutes": "20"},
    )
    assert _post(client, _url(world), token, 3, action="submit", **revised).status_code == 302
    report = _report(app, world)
    assert (report.status, report.submissions) == ("submitted", 2)
    assert len(report.content["meetings"]) == 2
    launch(lti, "instructor")
    token = csrf(client, _url(world))
    assert (
        _post(client, _url(world, "/review"), token, 4, decision="acknowledge").status_code == 302
    )
    assert _report(app, world).status == "acknowledged"
    launch(lti, "candidate")
    mine = client.get(f"/c/{world.cohort_id}/reports").get_data(as_text=True)
    assert _url(world) in mine
    shared = client.get(_url(world)).get_data(as_text=True)
    assert "Clear writer, well organised." in shared and "Finish the refresh budget" in shared
    assert "Private worry" not in shared and "Weekly emails" not in shared
    printed = client.get(_url(world, "/print")).get_data(as_text=True)
    assert "Clear writer" in printed and "Private worry" not in printed
    assert _audit(app) == [
        "report.submit", "report.return", "report.resubmit", "report.acknowledge",
    ]  # fmt: skip


def _posts(app: Flask) -> list[tuple[str, str, int, bool, str]]:
    with session_scope(app) as s:
        rows = s.execute(
            select(
                GradePost.column_tag,
                GradePost.column_label,
                GradePost.person_id,
                GradePost.passed,
                GradePost.source,
            ).order_by(GradePost.id)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_submitting_and_returning_put_the_months_score_in_the_grade_outbox(
    app: Flask, lti: LaunchActions, client: FlaskClient, world: World
) -> None:
    month = _report(app, world).month
    tag, label = f"ctom-report-{month:%Y-%m}", f"Mentor report \N{EN DASH} {month:%B %Y}"
    candidate = world.people["candidate"]
    launch(lti, "mentor")
    token = csrf(client, _url(world))
    assert _post(client, _url(world), token, 1, action="save", strengths="Draft").status_code == 302
    assert _posts(app) == []  # a draft scores nothing
    assert _post(client, _url(world), token, 2, action="submit", **COMPLETE).status_code == 302
    assert _posts(app) == [(tag, label, candidate, True, f"report:{month:%Y-%m}")]
    launch(lti, "instructor")
    token = csrf(client, _url(world))
    _post(client, _url(world, "/review"), token, 3, decision="return", comment="Revise")
    assert [p[3] for p in _posts(app)] == [True, False]


def test_the_outbox_row_is_written_in_the_reports_transaction(
    app: Flask, lti: LaunchActions, world: World
) -> None:
    from ctom_lti.tools.reports.report_service import save
    from ctom_lti.tools.reports.rules import ReportContent

    content = ReportContent(strengths="x", next_steps="y", overall="on_track", communication="z")
    with app.app_context():
        from ctom_lti.db import get_sessionmaker

        with get_sessionmaker(app)() as s:
            report = s.get_one(ProgressReport, world.report_id)
            outcome = save(s, report, content, 1, actor_id=world.people["mentor"], submit=True)
            assert outcome.done
            # Seen inside the transaction, gone with it when it rolls back.
            assert s.scalar(select(func.count()).select_from(GradePost)) == 1
            s.rollback()
    assert _posts(app) == []
    assert _report(app, world).status == "not_started"
