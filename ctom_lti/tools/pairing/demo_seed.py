"""Pairing in ``ctom-lti demo``: realistic profiles for the sandbox's seeded mentors and
candidates, paired through the tool's own matching and pushed to the sandbox as observer links.

The profiles are written so the matching's best answer is the mentors the seeded course already
shows (each candidate's growth areas are their mentor's expertise, in the same region), and they
include what a programme admin meets in practice: a mentor applicant not yet eligible and a
candidate whose district is a mentor's (a conflict of interest), plus a conflict named by email.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from ctom_lti.canvas import make_canvas_gateway
from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.records import link_canvas_course, record_cohort
from ctom_lti.cohorts.tenancy import registration_for
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.features import DemoSeedContext
from ctom_lti.models import Membership, Person
from ctom_lti.tools.pairing.importing import import_people
from ctom_lti.tools.pairing.proposals import accept_all, make_proposals
from ctom_lti.tools.pairing.push import push_pairings
from ctom_lti.tools.pairing.rows import COLUMNS

if TYPE_CHECKING:
    from ctom_lti.sandbox.server import SandboxServer
    from ctom_lti.sandbox.store import User

ALL_REQUIRED = "current_leader;hands_on;credential;time;work_study"
#: The seeded mentors in order: organisation, region, years, expertise.
MENTORS = (
    ("Fresno Unified", "north", 18, "security-fundamentals;infrastructure;technology-services"),
    (
        "Los Angeles County Office of Education",
        "south",
        14,
        "vision-and-technology-planning;project-management;organizational-management",
    ),
    (
        "Sacramento City Unified",
        "north",
        11,
        "student-centered-aspects;educational-technology;assessment-and-accountability",
    ),
    (
        "San Diego County Office of Education",
        "south",
        9,
        "fiscal-management;finance-centered-aspects;personnel-management",
    ),
    (
        "California Department of Education",
        "north",
        21,
        "communications-and-public-relations;professional-development-and-training;"
        "staff-centered-aspects",
    ),
)
CANDIDATE_DISTRICTS = (
    # Alicia Moreno works for a mentor's district (Sacramento City Unified): a conflict.
    "Sacramento City Unified",
    "Clovis Unified",
    "Visalia Unified",
    "Long Beach Unified",
    "Pasadena Unified",
    "Santa Ana Unified",
    "Elk Grove Unified",
    "Stockton Unified",
    "Chula Vista Elementary",
    "Escondido Union",
    "Redding Elementary",
    "Chico Unified",
)
#: A mentor applicant who has not shown time to consult or to supervise work-study yet.
APPLICANT = (
    "mentor,ypierce@kern.example.org,Yolanda Pierce,Kern County Superintendent of Schools,"
    "south,7,infrastructure;fiscal-management,,2,current_leader;hands_on;credential,"
)


def demo_csv(mentors: list[User], mentees: dict[int, list[int]], people: dict[int, User]) -> str:
    """The demo's import file for the seeded people."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for mentor, (org, region, years, expertise) in zip(mentors, MENTORS, strict=True):
        quals = ALL_REQUIRED + (";ten_years" if years >= 10 else "")
        capacity = len(mentees[mentor.id])
        writer.writerow(
            ["mentor", mentor.email, mentor.name, org, region, years, expertise, "", capacity,
             quals, ""]
        )  # fmt: skip
    n = 0
    for mentor, (_, region, _, expertise) in zip(mentors, MENTORS, strict=True):
        areas = expertise.split(";")
        for k, candidate_id in enumerate(mentees[mentor.id]):
            candidate = people[candidate_id]
            growth = ";".join(areas[k % 3 :][:2] or areas[:2])
            # Farid Haddad names a conflict with the fourth mentor by email.
            conflict = mentors[3].email if candidate.name == "Farid Haddad" else ""
            writer.writerow(
                ["candidate", candidate.email, candidate.name, CANDIDATE_DISTRICTS[n], region,
                 3 + n % 6, "", growth, "", "", conflict or ""]
            )  # fmt: skip
            n += 1
    out.write(APPLICANT + "\n")
    return out.getvalue()


def seed_demo_pairing(
    app: Flask,
    sandbox: SandboxServer,
    cohort_file: Path,
    canvas_token: str,
    *,
    pair: bool,
    say: Callable[[str], None],
) -> None:
    """Record the demo cohort with its people and profiles; with ``pair``, pair them through the
    matching and push the pairs to the sandbox."""
    seed = sandbox.demo
    assert seed is not None and seed.course is not None
    store = sandbox.store
    config = load_cohort(cohort_file, load_curriculum())
    with session_scope(app) as session:
        platform = registration_for(session, sandbox.base_url)
        cohort = record_cohort(session, platform, config, canvas_url=sandbox.base_url)
        cohort = link_canvas_course(session, cohort, seed.course.id)
        for role, users in (("mentor", seed.mentors), ("candidate", seed.candidates)):
            for user in users:
                # The person Canvas will launch: the same LTI sub, so their launch finds them.
                person = Person(
                    platform_id=platform.id,
                    sub=user.lti_id,
                    name=user.name,
                    email=user.email,
                    sis_user_id=user.sis_user_id,
                    canvas_user_id=str(user.id),
                )
                session.add(person)
                session.flush()
                session.add(Membership(person_id=person.id, cohort_id=cohort.id, role=role))
        text = demo_csv(seed.mentors, seed.mentees, store.users)
        result = import_people(session, cohort, text)
        say(f"Pairing profiles: {result.summary}")
        cohort_id = cohort.id
    if not pair:
        say("Left unpaired (--empty): open Pairing as the admin to propose and accept.")
        return
    with session_scope(app) as session:
        proposal, _ = make_proposals(session, cohort_id)
        accept_all(session, cohort_id, on=date.today())
        say(f"Paired {len(proposal.pairs)} candidates through the matching.")
    with session_scope(app) as session:
        from ctom_lti.models import Cohort

        row = session.get(Cohort, cohort_id)
        assert row is not None
        gateway = make_canvas_gateway(sandbox.base_url, canvas_token)
        pushed = push_pairings(session, row, gateway, tool_base_url=str(app.config["BASE_URL"]))
        say(f"Pushed to the sandbox: {pushed.summary}")


def seed_demo(context: DemoSeedContext) -> None:
    """The pairing feature's part of ``ctom-lti demo``."""
    seed_demo_pairing(
        context.app,
        context.sandbox,
        context.cohort_file,
        context.admin_token,
        pair=context.populate,
        say=context.say,
    )
