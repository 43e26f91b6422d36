"""Who may open which pairing page and take which action: every role, page and action.

Cohort A has two mentors and two candidates, each pair active. A mentor sees only their own
mentee; a candidate sees only their own mentor; instructors and admins of cohort A see all; the
instructor of another course (cohort B) and the admin of another Canvas tenant see nothing of A.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.pairing.lifecycle import hand_pair
from ctom_lti.tools.pairing.models import MentorProfile, Pairing, PairingPush, Qualification
from ctom_lti.tools.pairing.rules import QUALIFICATIONS
from tests.lti_fixtures import LaunchActions, Registered, register
from tests.lti_support import TestPlatform, landed

CONTEXT_A = "4dde05e8ca1973bcca9bffc13e1548820eee93a3"
CONTEXT_B = "0000000000000000000000000000000000000b0b"
SUBS = {
    "mentor": "mentor01-0000-4000-8000-000000000001",
    "mentor2": "mentor02-0000-4000-8000-000000000002",
    "candidate": "candid01-0000-4000-8000-000000000003",
    "candidate2": "candid02-0000-4000-8000-000000000004",
    "instructor": "instru01-0000-4000-8000-000000000005",
    "admin": "adminxx1-0000-4000-8000-000000000006",
}
PAGES = ("", "/mentors", "/history", "/import")
ACTIONS = ("/propose", "/accept-all", "/push", "/pair", "/import")
STAFF_PAGES = {"", "/mentors", "/history", "/import"}


def _launch(lti: LaunchActions, who: str, context_id: str = CONTEXT_A) -> str:
    role = who.rstrip("2")
    location = landed(lti.launch(role, sub=SUBS[who], context_id=context_id))
    assert isinstance(location, str)
    match = re.search(r"/c/(\d+)/", location)
    assert match
    return match.group(1)


@pytest.fixture
def cohort_a(app: Flask, lti: LaunchActions) -> int:
    """Everyone launches into cohort A once; the two pairs are made."""
    ids = {who: _launch(lti, who) for who in SUBS}
    cohort_id = int(ids["admin"])
    with session_scope(app) as s:
        people = {
            who: s.scalars(select(Person).where(Person.sub == sub)).one().id
            for who, sub in SUBS.items()
        }
        for mentor in ("mentor", "mentor2"):
            s.add(MentorProfile(person_id=people[mentor], region="north", capacity=1))
            for key in QUALIFICATIONS:
                s.add(Qualification(person_id=people[mentor], key=key, met=True))
        s.flush()
        for candidate, mentor in (("candidate", "mentor"), ("candidate2", "mentor2")):
            change = hand_pair(s, cohort_id, people[candidate], people[mentor], on=date(2026, 9, 1))
            assert change.done, change.refused
    return cohort_id


def _csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


def _email(who: str) -> str:
    return SUBS[who][:8] + "@example.edu"


@pytest.mark.parametrize("who", ["mentor", "candidate", "instructor", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(
    lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, page: str
) -> None:
    _launch(lti, who)
    response = client.get(f"/c/{cohort_a}/pairing{page}")
    staff = who in {"instructor", "admin"}
    if page in STAFF_PAGES - {""} and not staff:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if page == "" and who == "mentor":
        assert "Candidate candid01" in text or _email("candidate") in text
        assert _email("candidate2") not in text and "candid02" not in text
    if page == "" and who == "candidate":
        assert _email("mentor") in text
        assert _email("mentor2") not in text and "mentor02" not in text
    if page == "" and staff:
        assert all(_email(w) in text for w in ("mentor", "mentor2", "candidate", "candidate2"))


@pytest.mark.parametrize("who", ["mentor", "candidate"])
@pytest.mark.parametrize("action", ACTIONS)
def test_participants_cannot_act(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, action: str
) -> None:
    _launch(lti, who)
    token = _csrf(client, f"/c/{cohort_a}/profile")
    response = client.post(f"/c/{cohort_a}/pairing{action}", data={"csrf_token": token})
    assert response.status_code == 403
    with session_scope(app) as s:
        assert len(s.scalars(select(Pairing)).all()) == 2


@pytest.mark.parametrize("who", ["mentor", "candidate"])
def test_participants_cannot_end_a_pairing(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, who: str
) -> None:
    with session_scope(app) as s:
        pairing = s.scalars(select(Pairing)).first()
        assert pairing is not None
        pairing_id, version = pairing.id, pairing.version
    _launch(lti, who)
    token = _csrf(client, f"/c/{cohort_a}/profile")
    for action in ("accept", "reject", "end"):
        response = client.post(
            f"/c/{cohort_a}/pairing/{pairing_id}/{action}",
            data={"csrf_token": token, "version": version, "reason": "x", "ended_on": "2026-10-01"},
        )
        assert response.status_code == 403
    with session_scope(app) as s:
        assert s.get(Pairing, pairing_id).status == "active"  # type: ignore[union-attr]


@pytest.mark.parametrize("page", [*PAGES, "/propose"])
def test_staff_of_another_cohort_see_nothing(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, page: str
) -> None:
    other = _launch(lti, "instructor", context_id=CONTEXT_B)
    assert int(other) != cohort_a
    response = client.get(f"/c/{cohort_a}/pairing{page}")
    assert response.status_code in {403, 405}
    if page != "/propose":
        assert response.status_code == 403
        assert _email("mentor") not in response.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_an_admin_of_another_tenant_sees_nothing(
    app: Flask,
    client: FlaskClient,
    test_platform: TestPlatform,
    cohort_a: int,
    *,
    registered: Registered,
    page: str,
) -> None:
    other = register(app, test_platform, client_id="20000000000002", deployment_ids=("9:other",))
    stranger = LaunchActions(client, test_platform, other)
    # Same Canvas course id and context id: another school on Canvas Cloud.
    location = landed(stranger.launch("admin", context_id=CONTEXT_A))
    assert f"/c/{cohort_a}/" not in str(location)
    with session_scope(app) as s:
        assert len(s.scalars(select(Cohort)).all()) == 2
    response = client.get(f"/c/{cohort_a}/pairing{page}")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "card", "not_shown"),
    [
        ("mentor", "Your mentees", "candid02"),
        ("candidate", "Your mentor: Mentor ment (mentor01@example.edu)", "mentor02"),
        ("admin", "2 active pairings.", None),
    ],
)
def test_home_cards_name_the_pairing(
    lti: LaunchActions,
    client: FlaskClient,
    cohort_a: int,
    *,
    who: str,
    card: str,
    not_shown: str | None,
) -> None:
    _launch(lti, who)
    home = client.get(f"/c/{cohort_a}/").get_data(as_text=True)
    assert card in home
    if who == "mentor":
        assert "Candidate cand (candid01@example.edu)" in home or "Candidate cand" in home
    if not_shown:
        assert not_shown not in home


def _person_id(app: Flask, who: str) -> int:
    with session_scope(app) as s:
        return s.scalars(select(Person.id).where(Person.sub == SUBS[who])).one()


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        # Their own pairing profile: mentors and candidates; staff edit others' instead.
        ("mentor", "/profile", 200),
        ("candidate", "/profile", 200),
        ("instructor", "/profile", 403),
        ("admin", "/profile", 403),
        # Someone else's pairing profile: only the cohort's staff.
        ("mentor", "/people/{mentor2}/profile", 403),
        ("mentor", "/people/{candidate}/profile", 403),
        ("candidate", "/people/{mentor}/profile", 403),
        ("candidate", "/people/{candidate2}/profile", 403),
        ("instructor", "/people/{mentor}/profile", 200),
        ("instructor", "/people/{candidate}/profile", 200),
        ("admin", "/people/{mentor2}/profile", 200),
        ("admin", "/people/{candidate2}/profile", 200),
        # Someone with no mentor or candidate place in the cohort has no pairing profile.
        ("admin", "/people/{instructor}/profile", 404),
    ],
)
def test_pairing_profile_pages_by_role(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, path: str,
    expected: int,
) -> None:  # fmt: skip
    ids = {w: _person_id(app, w) for w in SUBS}
    _launch(lti, who)
    response = client.get(f"/c/{cohort_a}/pairing" + path.format(**ids))
    assert response.status_code == expected
    if expected == 200:
        assert "pairing profile" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("mentor", "/people/{mentor2}/profile"),
        ("candidate", "/people/{mentor}/profile"),
        ("mentor", "/mentors/{mentor}/verify"),
        ("candidate", "/mentors/{mentor}/verify"),
        ("instructor", "/mentors/{mentor}/verify"),
    ],
)
def test_participants_cannot_edit_others_or_verify(
    app: Flask, lti: LaunchActions, client: FlaskClient, cohort_a: int, *, who: str, path: str
) -> None:
    ids = {w: _person_id(app, w) for w in SUBS}
    _launch(lti, who)
    token = _csrf(client, f"/c/{cohort_a}/profile")
    response = client.post(
        f"/c/{cohort_a}/pairing" + path.format(**ids),
        data={"csrf_token": token, "organisation": "Taken over", "years": "3", "version": "0"},
    )
    assert response.status_code == 403
    with session_scope(app) as s:
        assert (
            s.scalars(
                select(Qualification.verified_at).where(Qualification.verified_at.is_not(None))
            ).first()
            is None
        )
        assert (
            s.scalars(select(MentorProfile.version).where(MentorProfile.version > 1)).first()
            is None
        )


@pytest.mark.parametrize("action", ["/people/{mentor}/profile", "/mentors/{mentor}/verify"])
def test_staff_of_another_cohort_or_tenant_cannot_edit_or_verify(
    app: Flask,
    client: FlaskClient,
    lti: LaunchActions,
    test_platform: TestPlatform,
    cohort_a: int,
    *,
    registered: Registered,
    action: str,
) -> None:
    path = f"/c/{cohort_a}/pairing" + action.format(mentor=_person_id(app, "mentor"))
    _launch(lti, "instructor", context_id=CONTEXT_B)
    assert client.get(path).status_code in {403, 405}
    other = register(app, test_platform, client_id="20000000000002", deployment_ids=("9:other",))
    LaunchActions(client, test_platform, other).launch("admin", context_id=CONTEXT_A)
    assert client.get(path).status_code in {403, 405}
    token = _csrf(client, f"/c/{cohort_a}/profile")
    assert client.post(path, data={"csrf_token": token}).status_code in {400, 403}
    with session_scope(app) as s:
        assert (
            s.scalars(
                select(Qualification.verified_at).where(Qualification.verified_at.is_not(None))
            ).first()
            is None
        )


@pytest.mark.parametrize(
    ("who", "context_id", "status"),
    [
        ("mentor", CONTEXT_A, 403),
        ("candidate", CONTEXT_A, 403),
        ("instructor", CONTEXT_A, 200),
        ("admin", CONTEXT_A, 200),
        ("instructor", CONTEXT_B, 403),
    ],
)
def test_a_pushs_progress_is_for_the_cohorts_staff_only(
    app: Flask,
    lti: LaunchActions,
    client: FlaskClient,
    cohort_a: int,
    *,
    who: str,
    context_id: str,
    status: int,
) -> None:
    with session_scope(app) as s:
        push = PairingPush(cohort_id=cohort_a, summary="1 of 2 observer-link changes made…")
        s.add(push)
        s.flush()
        push_id = push.id
    own = int(_launch(lti, who, context_id=context_id))
    response = client.get(f"/c/{cohort_a}/pairing/push/{push_id}")
    assert response.status_code == status
    if status == 200:
        assert response.json == {
            "status": "running",
            "running": True,
            "lines": ["1 of 2 observer-link changes made…"],
        }
    else:
        assert "observer-link" not in response.get_data(as_text=True)
    if own != cohort_a:
        # Through their own cohort's address, another cohort's push does not exist.
        assert client.get(f"/c/{own}/pairing/push/{push_id}").status_code == 404
