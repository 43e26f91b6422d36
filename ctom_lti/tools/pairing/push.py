"""Pushing a cohort's active pairings to Canvas: each mentor observes each of their candidates.

Active pairings in the tool are the source of truth; they go through ``canvas_sync``'s pairing
scope, which only brings observer links in line, never touches the rest of the course, and is
safe to run again after a failure. Each push is recorded, so the board can say what changed
since the last one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import desc, select
from sqlalchemy.orm import Session

from ctom_lti.canvas import CanvasError, CanvasGateway
from ctom_lti.canvas_sync import PAIRING_SOURCE, Scope, sync_course
from ctom_lti.canvas_sync.outcome import Outcome
from ctom_lti.canvas_sync.planner import Plan
from ctom_lti.cohorts import CohortConfig, CohortOptions, Pairing
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.db import utcnow
from ctom_lti.models import Cohort, Person
from ctom_lti.tools.pairing.adoption import adopt_launched
from ctom_lti.tools.pairing.facts import ACTIVE
from ctom_lti.tools.pairing.models import Pairing as PairingRow
from ctom_lti.tools.pairing.models import PairingPush
from ctom_lti.tools.pairing.people import PENDING_SUB


@dataclass(frozen=True)
class PushResult:
    ok: bool
    #: What happened, for the admin.
    summary: str
    #: What to do next when something did not go through.
    hint: str | None = None
    #: Pairings that could not be pushed and why.
    skipped: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The outcome as the board shows it, a line each."""
        return [
            self.summary,
            *([f"What to do: {self.hint}"] if self.hint else []),
            *(f"Not pushed: {s}" for s in self.skipped),
        ]


def cohort_config(cohort: Cohort) -> CohortConfig | None:
    """The cohort as sync needs it, from what its cohort file recorded; None before that."""
    calendar = calendar_of(cohort)
    settings = cohort.settings or {}
    if calendar is None or not cohort.sis_course_id or "account_id" not in settings:
        return None
    raw = dict(settings.get("options") or {})
    for key in ("session_start", "kickoff_start"):
        if isinstance(raw.get(key), str):
            raw[key] = dt.time.fromisoformat(raw[key])
    return CohortConfig(
        name=cohort.title,
        number=cohort.number or 0,
        course_code=settings.get("course_code") or cohort.label or "",
        sis_course_id=cohort.sis_course_id,
        account_id=settings["account_id"],
        time_zone=calendar.time_zone,
        term_start=calendar.term_start,  # type: ignore[arg-type]
        term_end=calendar.term_end,  # type: ignore[arg-type]
        sessions=calendar.sessions,
        principle_sessions=dict(settings.get("principle_sessions") or {}),
        tool_base_url=settings.get("tool_base_url"),
        tool_client_id=settings.get("tool_client_id"),
        options=CohortOptions(**raw),
        canvas_url=cohort.canvas_url,
    )


def active_pairs(session: Session, cohort_id: int) -> list[tuple[int, int]]:
    """(mentor id, candidate id) of the cohort's active pairings."""
    rows = session.execute(
        select(PairingRow.mentor_person_id, PairingRow.candidate_person_id)
        .where(PairingRow.cohort_id == cohort_id, PairingRow.status == ACTIVE)
        .order_by(PairingRow.id)
    ).all()
    return [(m, c) for m, c in rows]


def _sis_ids(
    session: Session, gateway: CanvasGateway, course_id: str | None, people: set[int]
) -> dict[int, str]:
    """SIS user ids of ``people``: recorded from launches, else from the course enrolments by
    Canvas user id (one paginated read)."""
    rows = session.scalars(select(Person).where(Person.id.in_(people))).all()
    found = {p.id: p.sis_user_id for p in rows if p.sis_user_id}
    # People imported before they launched have a launched twin with the same email.
    missing = [p for p in rows if p.id not in found]
    if not missing:
        return found
    twins = {
        (p.email or "").casefold(): p
        for p in session.scalars(
            select(Person).where(
                Person.platform_id.in_({p.platform_id for p in missing}),
                ~Person.sub.startswith(PENDING_SUB),
            )
        )
        if p.email
    }
    by_canvas: dict[str, str] = {}
    if course_id:
        for e in gateway.list_enrollments(
            int(course_id),
            ("StudentEnrollment", "ObserverEnrollment", "TaEnrollment", "TeacherEnrollment"),
        ):
            if e.sis_user_id:
                by_canvas[str(e.user_id)] = e.sis_user_id
    for person in missing:
        who = (
            person
            if not person.sub.startswith(PENDING_SUB)
            else twins.get((person.email or "").casefold())
        )
        if who is None:
            continue
        sis = who.sis_user_id or by_canvas.get(who.canvas_user_id or "")
        if sis:
            found[person.id] = sis
    return found


def desired_pairings(
    pairs: Sequence[tuple[int, int]], sis: dict[int, str], names: dict[int, str]
) -> tuple[list[Pairing], list[str]]:
    """The pairings as sync takes them, and the ones left out for want of a Canvas identity."""
    mentees: dict[str, list[str]] = {}
    skipped = []
    for mentor, candidate in pairs:
        lacking = [names[p] for p in (mentor, candidate) if p not in sis]
        if lacking:
            skipped.append(
                f"{names[candidate]} with {names[mentor]}: Canvas does not know "
                f"{' or '.join(lacking)} yet"
            )
            continue
        mentees.setdefault(sis[mentor], []).append(sis[candidate])
    return [Pairing(m, tuple(cs)) for m, cs in mentees.items()], skipped


def push_pairings(
    session: Session,
    cohort: Cohort,
    gateway: CanvasGateway,
    *,
    tool_base_url: str,
    record: PairingPush | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> PushResult:
    """Bring the cohort's Canvas observer links in line with its active pairings (commits, as
    sync records each link it makes).

    :param record: the running push row to finish (the board makes it before the push starts);
        a new one is recorded when None.
    :param on_plan: called with sync's plan once Canvas has been read (how many changes).
    :param progress: called with each change's outcome as Canvas answers.
    """
    config = cohort_config(cohort)
    if config is None:
        result = PushResult(
            False,
            "The tool does not know this cohort's Canvas course yet.",
            "Import its cohort file (`ctom-lti cohort import FILE`) and sync it once.",
        )
        if record is not None:
            finish_record(session, record, result)
        return result
    adopt_launched(session, cohort.id)
    pairs = active_pairs(session, cohort.id)
    if record is None:
        record = PairingPush(cohort_id=cohort.id)
        session.add(record)
    record.pushed_pairs = [list(p) for p in pairs]
    session.commit()
    people = {p for pair in pairs for p in pair}
    names = {
        p.id: p.name or p.email or f"person {p.id}"
        for p in session.scalars(select(Person).where(Person.id.in_(people)))
    }
    try:
        sis = _sis_ids(session, gateway, cohort.canvas_course_id, people)
        wanted, skipped = desired_pairings(pairs, sis, names)
        report = sync_course(
            session,
            gateway,
            config,
            tool_base_url=config.tool_base_url or tool_base_url,
            pairings=wanted,
            scope=Scope.PAIRINGS,
            # Links sync made for pairings that ended go; links made by hand in Canvas stay.
            prune=True,
            on_plan=on_plan,
            progress=progress,
            cohort_id=cohort.id,
        )
    except CanvasError as exc:
        session.rollback()
        result = PushResult(
            False,
            f"Canvas refused the push: {exc}",
            "Check the registration's Canvas token and that the course exists, then push "
            "again; nothing is made twice.",
        )
    else:
        failed = report.counts.get("failed", 0)
        result = PushResult(
            report.ok,
            f"{len(wanted)} mentors' observer links checked: {_counts(report)}.",
            None if report.ok else f"{failed} changes failed; push again to finish them.",
            tuple(skipped),
        )
    finish_record(session, session.get(PairingPush, record.id) or record, result)
    return result


def finish_record(session: Session, record: PairingPush, result: PushResult) -> None:
    """Write the push's outcome to its row, a line per message (commits)."""
    record.status = "succeeded" if result.ok else "failed"
    record.finished_at = utcnow()
    record.summary = "\n".join(result.lines())
    session.commit()


def _counts(report: Any) -> str:
    counts = {k: v for k, v in report.counts.items() if v}
    return ", ".join(f"{v} {k}" for k, v in counts.items()) or "nothing to change"


def last_push(session: Session, cohort_id: int) -> PairingPush | None:
    return session.scalar(
        select(PairingPush)
        .where(PairingPush.cohort_id == cohort_id, PairingPush.status != "running")
        .order_by(desc(PairingPush.id))
        .limit(1)
    )


def database_pairings(
    session: Session, cohort_id: int, gateway: CanvasGateway
) -> list[Pairing] | None:
    """The cohort's active pairings as sync pushes them, for ``ctom-lti sync``; None when the
    tool holds no pairings for the cohort (the cohort file's then apply)."""
    if (
        session.scalar(select(PairingRow.id).where(PairingRow.cohort_id == cohort_id).limit(1))
        is None
    ):
        return None
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    adopt_launched(session, cohort_id)
    pairs = active_pairs(session, cohort_id)
    people = {p for pair in pairs for p in pair}
    names = {
        p.id: p.name or p.email or f"person {p.id}"
        for p in session.scalars(select(Person).where(Person.id.in_(people)))
    }
    wanted, _ = desired_pairings(
        pairs, _sis_ids(session, gateway, cohort.canvas_course_id, people), names
    )
    return wanted


def register_pairing_source(state: Any) -> None:
    """Blueprint hook: make the tool's pairings what ``ctom-lti sync`` pushes."""
    state.app.extensions[PAIRING_SOURCE] = database_pairings
