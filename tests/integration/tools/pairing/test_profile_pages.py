"""Filling in and editing pairing profiles: a mentor's own with its eligibility, a candidate's,
staff editing anyone's in the cohort, refused saves that keep what was typed, and an admin
marking a mentor's evidence verified."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.models import AuditEvent
from ctom_lti.tools.pairing.models import CandidateProfile, MentorProfile, Qualification
from ctom_lti.tools.pairing.people import programme_profile
from ctom_lti.tools.pairing.rules import QUALIFICATIONS
from tests.integration.tools.pairing.test_access import _launch, _person_id, cohort_a
from tests.lti_fixtures import LaunchActions

__all__ = ["cohort_a"]


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def _mentor_form(page: str, **changes: str) -> dict[str, object]:
    keys = [p.key for p in load_curriculum().principles]
    data: dict[str, object] = {
        "csrf_token": _hidden(page, "csrf_token"),
        "version": _hidden(page, "version"),
        "base_version": _hidden(page, "base_version"),
        "organisation": "Fresno Unified",
        "position": "Chief Technology Officer",
        "region": "south",
        "years": "12",
        "expertise": keys[:2],
        "capacity": "2",
        "availability": "Tuesday afternoons",
    }
    for key in QUALIFICATIONS:
        data[f"met_{key}"] = "y"
        data[f"evidence_{key}"] = f"Evidence for {key}"
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_mentor_fills_in_their_profile_and_sees_their_eligibility(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    _launch(lti, "mentor")
    url = f"/c/{cohort_a}/pairing/profile"
    page = client.get(url).get_data(as_text=True)
    assert "Your pairing profile" in page
    form = _mentor_form(page, met_work_study="")
    saved = client.post(url, data=form)
    assert saved.status_code == 302
    after = client.get(url).get_data(as_text=True)
    assert "The pairing profile is saved." in after
    assert "Not yet eligible to mentor" in after
    assert "Not yet shown: Able to supervise work-study" in after
    assert 'value="Fresno Unified"' in after and "Evidence for credential" in after
    me = _person_id(app, "mentor")
    with session_scope(app) as s:
        profile = s.scalars(select(MentorProfile).where(MentorProfile.person_id == me)).one()
        assert (profile.region, profile.capacity, profile.version) == ("south", 2, 2)
        base = s.execute(select(programme_profile).where(programme_profile.c.person_id == me)).one()
        assert (base.district, base.job_title, base.years_in_leadership) == (
            "Fresno Unified",
            "Chief Technology Officer",
            12,
        )
    # Ticking the last qualification makes the mentor eligible.
    again = client.post(url, data=_mentor_form(after))
    assert again.status_code == 302
    final = client.get(url).get_data(as_text=True)
    assert "Eligible to mentor" in final and "Not yet eligible" not in final


def test_a_refused_save_keeps_what_was_typed(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    _launch(lti, "mentor")
    url = f"/c/{cohort_a}/pairing/profile"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        url, data=_mentor_form(page, years="a dozen", evidence_hands_on="Ran the 1:1 rollout")
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter the years as a whole number from 0 to 60." in text
    assert "Ran the 1:1 rollout" in text and 'value="a dozen"' in text
    with session_scope(app) as s:
        me = _person_id(app, "mentor")
        assert (
            s.scalars(select(MentorProfile.version).where(MentorProfile.person_id == me)).one() == 1
        )


def test_an_edit_that_races_another_is_refused_and_keeps_both(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    mentor = _person_id(app, "mentor")
    _launch(lti, "mentor")
    url = f"/c/{cohort_a}/pairing/profile"
    stale = client.get(url).get_data(as_text=True)
    # An instructor saves the mentor's profile meanwhile.
    _launch(lti, "instructor")
    staff_url = f"/c/{cohort_a}/pairing/people/{mentor}/profile"
    staff_page = client.get(staff_url).get_data(as_text=True)
    assert client.post(staff_url, data=_mentor_form(staff_page, capacity="3")).status_code == 302
    _launch(lti, "mentor")
    typed = _mentor_form(stale, availability="Only on Fridays")
    # A new launch is a new session with its own token; the form's versions stay the old ones.
    typed["csrf_token"] = _hidden(client.get(url).get_data(as_text=True), "csrf_token")
    response = client.post(url, data=typed)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Someone else saved this profile while you were editing." in text
    assert "Only on Fridays" in text  # what the mentor typed
    assert "<dt>Capacity</dt><dd>3</dd>" in text  # what was saved meanwhile
    with session_scope(app) as s:
        row = s.scalars(select(MentorProfile).where(MentorProfile.person_id == mentor)).one()
        assert (row.capacity, row.availability) == (3, "Tuesday afternoons")
    # Saving again from the refused form replaces the other version.
    assert (
        client.post(url, data=_mentor_form(text, availability="Only on Fridays")).status_code == 302
    )
    with session_scope(app) as s:
        row = s.scalars(select(MentorProfile).where(MentorProfile.person_id == mentor)).one()
        assert row.availability == "Only on Fridays"


def test_a_candidate_names_growth_areas_preferences_and_conflicts(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    mentor, mentor2 = _person_id(app, "mentor"), _person_id(app, "mentor2")
    _launch(lti, "candidate")
    url = f"/c/{cohort_a}/pairing/profile"
    page = client.get(url).get_data(as_text=True)
    assert "Preferred mentors" in page and "Growth areas" in page
    key = load_curriculum().principles[3].key
    response = client.post(
        url,
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "version": _hidden(page, "version"),
            "base_version": _hidden(page, "base_version"),
            "organisation": "Kern High",
            "region": "north",
            "years": "4",
            "nominated": "y",
            "growth_areas": [key],
            "preferred_mentors": [str(mentor)],
            # Someone who is not in the cohort is not kept.
            "conflicts": [str(mentor2), "99999"],
        },
    )
    assert response.status_code == 302
    me = _person_id(app, "candidate")
    with session_scope(app) as s:
        row = s.scalars(select(CandidateProfile).where(CandidateProfile.person_id == me)).one()
        assert (row.nominated, row.growth_areas, row.preferred_mentor_ids, row.conflict_ids) == (
            True,
            [key],
            [mentor],
            [mentor2],
        )


def test_an_admin_marks_a_mentors_evidence_verified(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int
) -> None:
    mentor, admin = _person_id(app, "mentor"), _person_id(app, "admin")
    _launch(lti, "admin")
    page = client.get(f"/c/{cohort_a}/pairing/mentors").get_data(as_text=True)
    assert "Evidence not yet verified." in page
    assert f"/pairing/people/{mentor}/profile" in page
    response = client.post(
        f"/c/{cohort_a}/pairing/mentors/{mentor}/verify",
        data={"csrf_token": _hidden(page, "csrf_token")},
    )
    assert response.status_code == 302
    after = client.get(f"/c/{cohort_a}/pairing/mentors").get_data(as_text=True)
    assert "Evidence of 6 qualifications marked verified." in after
    assert re.search(r"Evidence verified by [^<]+ on \d{4}-\d\d-\d\d", after)
    with session_scope(app) as s:
        rows = s.scalars(select(Qualification).where(Qualification.person_id == mentor)).all()
        assert {q.verified_by_person_id for q in rows} == {admin}
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "pairing.evidence_verified")
        ).one()
        assert (event.actor_person_id, event.subject) == (admin, f"person:{mentor}")
