"""Portfolio in ``ctom-lti demo``: portfolios at different stages, so each role sees a coverage
map with colour in it, a signed-off reflection, a thread of comments and files to open.

The first candidate is near the end (fifteen principles signed off, the last shared, citing the
work they handed in for it in the Canvas course), the second part-way (a few signed off, two
shared, a comment thread), the third just started (one draft). Files are small generated images
and PDFs, stored as uploads are. The hand-in is written into the sandbox's store, as the student's
upload would be, and then picked through the Canvas gateway as a candidate picks it.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.cohorts.mentorship import active_mentors_of
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope, utcnow
from ctom_lti.features import DemoSeedContext
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Cohort, Person, Role
from ctom_lti.tools.portfolio import service, submissions
from ctom_lti.tools.portfolio.artifacts import NewArtifact, add_file, add_link
from ctom_lti.tools.portfolio.models import Artifact
from ctom_lti.tools.portfolio.people import candidates
from ctom_lti.tools.portfolio.storage import Storage, app_storage

REFLECTION = (
    "## What I did\n\nIn my district I led the work on **{name}**: I met the people who run it "
    "day to day, read our current plans and compared them with two neighbouring districts.\n\n"
    "## What I learned\n\n- Decisions stick when the cabinet hears the *why* first.\n"
    "- Numbers beat adjectives: a one-page summary with costs moved the conversation.\n\n"
    "## Evidence\n\nSee the artifacts cited below, and the session notes."
)


def png(width: int = 96, height: int = 64, tint: int = 0) -> bytes:
    """A small gradient PNG (a stand-in for a photo of a whiteboard)."""
    rows = b"".join(
        b"\x00"
        + bytes(
            v
            for x in range(width)
            for v in ((x * 255) // width, (y * 255) // height, (tint * 60) % 256)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf(title: str) -> bytes:
    """A one-page PDF saying ``title`` (a stand-in for a plan the candidate wrote)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _launch(cohort: Cohort, person_id: int, role: Role) -> SessionLaunch:
    return SessionLaunch(
        person_id=person_id,
        cohort_id=cohort.id,
        platform_id=cohort.platform_id,
        sub="",
        deployment_id="",
        roles=frozenset({role}),
        mentee_subs=(),
        display_name="",
        cohort_title=cohort.title,
        message_type="",
    )


def _handed_in(context: DemoSeedContext, cohort: Cohort, person: Person, title: str) -> bool:
    """Hand in the candidate's work for the assignment titled ``title`` in the sandbox course."""
    store: Any = context.sandbox.store
    course, user = cohort.canvas_course_id or "", person.canvas_user_id or ""
    if not course.isdigit() or not user.isdigit():
        return False
    with store.lock:
        found = [
            a
            for a in store.assignments.values()
            if a.course_id == int(course) and a.published and a.name == title
        ]
        if not found:
            return False
        sub = store.submission_for(found[0].id, int(user))
        sub.workflow_state, sub.submission_type = "submitted", "online_upload"
        sub.submitted_at = sub.updated_at = utcnow() - timedelta(days=3)
        sub.attempt = 1
    return True


def _submission(
    context: DemoSeedContext, session: Session, cohort: Cohort, candidate_id: int, key: str
) -> Artifact | None:
    """The candidate's hand-in for principle ``key``, picked as the candidate would pick it."""
    person = session.get(Person, candidate_id)
    name = load_curriculum().principle(key).name
    if person is None or not _handed_in(context, cohort, person, f"{name}: Assignment"):
        return None
    me = _launch(cohort, candidate_id, Role.CANDIDATE)
    gateway = cohort_gateway(session, cohort, get_fernet(context.app))
    picker = submissions.read_picker(session, me, gateway)
    if not picker.choices:
        return None
    return submissions.add_picked(
        session, me, NewArtifact("", (key,), None), picker.choices[0].value, source=gateway
    )


def _portfolio(
    session: Session,
    storage: Storage,
    cohort: Cohort,
    candidate_id: int,
    *,
    signed: int,
    shared: int,
    drafts: int,
    context: DemoSeedContext | None = None,
) -> None:
    mentors = sorted(active_mentors_of(session, cohort.id, candidate_id))
    me = _launch(cohort, candidate_id, Role.CANDIDATE)
    principles = load_curriculum().principles
    first = principles[0]
    # The near-complete candidate's shared reflection cites the work they handed in in Canvas.
    handed_in = (
        _submission(context, session, cohort, candidate_id, principles[signed].key)
        if context is not None and shared and signed + shared == len(principles)
        else None
    )
    photo = add_file(
        session,
        storage,
        me,
        NewArtifact("Whiteboard from the security tabletop", (first.key,), 1),
        original_name="tabletop.png",
        content=png(tint=candidate_id),
        max_bytes=10**7,
    )
    plan = add_file(
        session,
        storage,
        me,
        NewArtifact("District technology plan (draft)", tuple(p.key for p in principles[4:9]), 3),
        original_name="technology-plan.pdf",
        content=pdf("District technology plan"),
        max_bytes=10**7,
    )
    add_link(
        session,
        me,
        NewArtifact("Board presentation slides", (principles[10].key,), 5),
        "https://example.org/board-presentation",
    )
    for n, principle in enumerate(principles[: signed + shared + drafts]):
        share = n < signed + shared
        cited = [photo.id] if principle.key == first.key else [plan.id] if 4 <= n < 9 else []
        if handed_in is not None and principle.key in handed_in.principle_keys:
            cited.append(handed_in.id)
        outcome = service.save_reflection(
            session,
            me,
            principle.key,
            body=REFLECTION.format(name=principle.name),
            cited=cited,
            expected_version=0,
            share=share,
        )
        if n < signed and mentors and outcome.reflection is not None:
            mentor = _launch(cohort, mentors[0], Role.MENTOR)
            service.sign_off(
                session, mentor, candidate_id, principle.key, outcome.reflection.version
            )
    if mentors and shared:
        shared_key = principles[signed].key
        mentor = _launch(cohort, mentors[0], Role.MENTOR)
        service.add_comment(
            session,
            mentor,
            candidate_id,
            "Good start. Could you add the **cost** figures you showed at the session?",
            principle_key=shared_key,
        )
        service.add_comment(
            session,
            me,
            candidate_id,
            "Yes — I will attach the budget summary this week.",
            principle_key=shared_key,
        )
        service.add_comment(
            session,
            mentor,
            candidate_id,
            "Clear photo; label the risks on it next time.",
            artifact_id=photo.id,
        )


STAGES = ({"signed": 15, "shared": 1, "drafts": 0}, {"signed": 3, "shared": 2, "drafts": 2},
          {"signed": 0, "shared": 0, "drafts": 1})  # fmt: skip


def seed_demo(context: DemoSeedContext) -> None:
    """The portfolio's part of ``ctom-lti demo``."""
    if not context.populate:
        return
    config = load_cohort(context.cohort_file, load_curriculum())
    storage = app_storage(context.app)
    with session_scope(context.app) as session:
        cohort = find_cohort(session, config.sis_course_id)
        people = candidates(session, cohort.id)
        for person, stage in zip(people, STAGES, strict=False):
            _portfolio(session, storage, cohort, person.id, context=context, **stage)
        seeded = min(len(people), len(STAGES))
    context.say(
        f"Portfolios: {seeded} candidates at different stages (near complete, citing work "
        "handed in in Canvas; part-way; just started)."
    )
