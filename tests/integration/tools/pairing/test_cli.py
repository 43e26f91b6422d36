"""``ctom-lti pairing import|propose|accept|pair|end`` against a real database."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from ctom_lti.db import session_scope
from ctom_lti.models import AuditEvent, Membership, Person
from ctom_lti.tools.pairing.models import Pairing, PairingEvent

from .support import HEADER, PEOPLE, SIS, record_cohort, run, write_csv


def _imported(app: Flask, tmp_path: Path) -> None:
    record_cohort(app, tmp_path)
    result = run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE)))
    assert result.exit_code == 0, result.output


def test_import_adds_pending_people_and_importing_again_changes_nothing(
    app: Flask, tmp_path: Path
) -> None:
    _imported(app, tmp_path)
    with session_scope(app) as s:
        people = s.scalar(select(func.count()).select_from(Person))
        members = [tuple(m) for m in s.execute(select(Membership.role, Membership.status))]
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    assert people == 7
    assert sorted(members).count(("mentor", "pending")) == 3
    assert sorted(members).count(("candidate", "pending")) == 4
    again = run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE)))
    assert again.exit_code == 0
    assert "0 people added or changed" in again.output
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == people
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_bad_rows_are_named_by_line_and_good_rows_import(app: Flask, tmp_path: Path) -> None:
    record_cohort(app, tmp_path)
    text = (
        f"{HEADER}\n"
        "mentor,good@x.example.org,Good Mentor,Kern High,south,11,infrastructure,,1,time,\n"
        "teacher,bad-role@x.example.org,,,,,,,,,\n"
        "candidate,not-an-email,,,west,,,infrastructure,,,\n"
        "candidate,c@x.example.org,,,,,,no-such-principle,3,,\n"
        "candidate,ok@x.example.org,Ok Candidate,Kern High,south,2,,infrastructure,,,\n"
    )
    result = run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, text)))
    assert result.exit_code == 1
    err = result.stderr
    assert "line 3 (bad-role@x.example.org): role must be mentor or candidate" in err
    assert "line 4" in err and "is not an email address" in err and "region must be" in err
    assert "line 5 (c@x.example.org): growth_areas has unknown keys: no-such-principle" in err
    assert "a candidate row leaves capacity empty" in err
    assert "2 rows read" in result.stdout
    with session_scope(app) as s:
        emails = set(s.scalars(select(Person.email)))
    assert emails == {"good@x.example.org", "ok@x.example.org"}


def test_unknown_columns_are_refused_by_name(app: Flask, tmp_path: Path) -> None:
    record_cohort(app, tmp_path)
    text = HEADER + ",shoe_size\nmentor,a@x.example.org,,,,,,,,,,42\n"
    result = run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, text)))
    assert result.exit_code == 2
    assert "unknown columns: shoe_size" in result.stderr
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_propose_places_everyone_it_can_and_explains_the_rest(app: Flask, tmp_path: Path) -> None:
    _imported(app, tmp_path)
    result = run(app, "propose", "--cohort", SIS, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    pairs = {p["candidate"]: p for p in data["pairs"]}
    # Whitfield works for Rivera's district and Nguyen named Okafor as a conflict; Chen is not
    # eligible; Rivera and Okafor have 2 places each: all four can still be placed.
    assert pairs["whitfield@fresno.example.org"]["mentor"] == "okafor@lacoe.example.org"
    assert pairs["nguyen@longbeach.example.org"]["mentor"] == "rivera@fresno.example.org"
    assert pairs["moreno@clovis.example.org"]["mentor"] == "rivera@fresno.example.org"
    assert pairs["haddad@pasadena.example.org"]["mentor"] == "okafor@lacoe.example.org"
    haddad = pairs["haddad@pasadena.example.org"]
    assert {p["name"] for p in haddad["parts"]} == {"expertise", "region", "load"}
    assert haddad["total"] == sum(p["points"] for p in haddad["parts"])
    assert data["unmatched"] == []


def test_a_candidate_who_cannot_be_placed_is_listed_with_why(app: Flask, tmp_path: Path) -> None:
    _imported(app, tmp_path)
    extra = (
        f"{HEADER}\n"
        "candidate,late@fresno.example.org,Late Comer,Fresno Unified,north,1,,infrastructure,,,"
        "okafor@lacoe.example.org\n"
    )
    assert (
        run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, extra, "x.csv"))).exit_code == 0
    )
    data = json.loads(run(app, "propose", "--cohort", SIS, "--json").output)
    unmatched = {u["candidate"]: u["reason"] for u in data["unmatched"]}
    assert list(unmatched) == ["late@fresno.example.org"]
    assert "has a conflict of interest" in unmatched["late@fresno.example.org"]
    assert "same organisation" in unmatched["late@fresno.example.org"]


def test_accept_then_end_and_repair_keep_a_history(app: Flask, tmp_path: Path) -> None:
    _imported(app, tmp_path)
    run(app, "propose", "--cohort", SIS)
    accepted = run(app, "accept", "--cohort", SIS, "--on", "2026-09-01")
    assert accepted.exit_code == 0, accepted.output
    assert "4 pairings active" in accepted.output
    # Okafor is full (2 of 2): re-pairing Moreno with him is refused and changes nothing.
    refused = run(
        app, "end", "--cohort", SIS, "--candidate", "moreno@clovis.example.org",
        "--reason", "Moved", "--repair-with", "okafor@lacoe.example.org", "--on", "2026-11-01",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "capacity" in refused.stderr
    ended = run(
        app, "end", "--cohort", SIS, "--candidate", "haddad@pasadena.example.org",
        "--reason", "Changed jobs", "--on", "2026-11-01",
    )  # fmt: skip
    assert ended.exit_code == 0, ended.output
    moved = run(
        app, "end", "--cohort", SIS, "--candidate", "moreno@clovis.example.org",
        "--reason", "Closer to home", "--repair-with", "okafor@lacoe.example.org",
        "--on", "2026-11-02",
    )  # fmt: skip
    assert moved.exit_code == 0, moved.output
    with session_scope(app) as s:
        rows = s.execute(
            select(Person.email, Pairing.status, Pairing.ended_on, Pairing.end_reason)
            .join(Pairing, Pairing.candidate_person_id == Person.id)
            .where(Person.email == "moreno@clovis.example.org")
            .order_by(Pairing.id)
        ).all()
        actions = s.scalars(select(PairingEvent.action).order_by(PairingEvent.id)).all()
    assert [(r.status, str(r.ended_on), r.end_reason) for r in rows] == [
        ("ended", "2026-11-02", "Closer to home"),
        ("active", "None", None),
    ]
    assert actions.count("ended") == 2 and actions.count("paired") == 1


def test_a_hand_pair_that_breaks_a_rule_is_refused_with_the_reason(
    app: Flask, tmp_path: Path
) -> None:
    _imported(app, tmp_path)
    same_district = run(
        app, "pair", "--cohort", SIS,
        "--candidate", "whitfield@fresno.example.org", "--mentor", "rivera@fresno.example.org",
    )  # fmt: skip
    assert same_district.exit_code == 1
    assert "conflict of interest: both work at Fresno Unified" in same_district.stderr
    ineligible = run(
        app, "pair", "--cohort", SIS,
        "--candidate", "moreno@clovis.example.org", "--mentor", "chen@sandiego.example.org",
    )  # fmt: skip
    assert ineligible.exit_code == 1
    assert "not yet eligible" in ineligible.stderr and "work-study" in ineligible.stderr
    ok = run(
        app, "pair", "--cohort", SIS,
        "--candidate", "moreno@clovis.example.org", "--mentor", "rivera@fresno.example.org",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(Pairing)) == 1


def test_people_imported_before_they_launch_become_their_launched_selves(
    app: Flask, tmp_path: Path
) -> None:
    _imported(app, tmp_path)
    run(app, "pair", "--cohort", SIS, "--candidate", "moreno@clovis.example.org",
        "--mentor", "rivera@fresno.example.org")  # fmt: skip
    with session_scope(app) as s:
        pending = s.scalars(select(Person).where(Person.email == "moreno@clovis.example.org")).one()
        cohort_id = s.scalars(select(Membership.cohort_id)).first()
        # Alicia Moreno opens the tool from Canvas: the launch knows her by her LTI sub.
        launched = Person(
            platform_id=pending.platform_id,
            sub="4d1e6c1a-6f0b-4c7e-9a51-5a4c1f0e9a11",
            name="Alicia Moreno",
            email="Moreno@Clovis.example.org",
        )
        s.add(launched)
        s.flush()
        s.add(Membership(person_id=launched.id, cohort_id=cohort_id, role="candidate"))
        launched_id = launched.id
    data = json.loads(run(app, "propose", "--cohort", SIS, "--json").output)
    proposed = [p["candidate"] for p in data["pairs"]] + [u["candidate"] for u in data["unmatched"]]
    assert len(proposed) == 3  # the other three; Alicia is paired, and counted once
    with session_scope(app) as s:
        pairing = s.scalars(select(Pairing).where(Pairing.status == "active")).one()
        assert pairing.candidate_person_id == launched_id
