"""Reports in ``ctom-lti demo``: the seeded pairings' reports since the term began, in every
state, so the mentor and instructor pages look like a programme a few months in.

The seeded pairs are made on the day the demo starts; a programme a few months in paired its
candidates when the term began, so their pairings are dated from then. Months already due are
mostly submitted or acknowledged, with one returned for revision and a few overdue; the current
month's are drafts, not started, or submitted early.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope, utcnow
from ctom_lti.features import DemoSeedContext
from ctom_lti.models import Cohort
from ctom_lti.tools.reports.history import PAIRING
from ctom_lti.tools.reports.models import (
    ACKNOWLEDGED,
    DRAFT,
    NOT_STARTED,
    RETURNED,
    SUBMITTED,
    ProgressReport,
)
from ctom_lti.tools.reports.rules import (
    AT_RISK,
    NEEDS_ATTENTION,
    ON_TRACK,
    Meeting,
    PrincipleProgress,
    ReportContent,
)
from ctom_lti.tools.reports.schedule import local_today
from ctom_lti.tools.reports.service import sync_schedule

#: The states of months already due, in turn per candidate (offset by the candidate's place).
PAST = (ACKNOWLEDGED, ACKNOWLEDGED, SUBMITTED, RETURNED, ACKNOWLEDGED, NOT_STARTED, DRAFT)
#: The states of the month being written.
CURRENT = (DRAFT, NOT_STARTED, SUBMITTED)
OVERALL = (ON_TRACK, ON_TRACK, NEEDS_ATTENTION, ON_TRACK, AT_RISK)
STRENGTHS = (
    "Plans carefully and writes clearly; the infrastructure budget was well argued.",
    "Builds trust with principals quickly; the staff survey got a strong response.",
    "Good instinct for security trade-offs; explained the MFA roll-out plainly.",
)
NEXT_STEPS = (
    "Draft the technology plan's vision section and share it before our next call.",
    "Meet the business office about the E-rate timeline; bring the numbers to the session.",
    "Finish the pre-session assignment and read two district technology plans.",
)
RETURN_COMMENT = "Please add the dates and length of your meetings this month."


def _content(n: int, report: ProgressReport, status: str) -> ReportContent:
    keys = [p.key for p in load_curriculum().principles]
    if status == NOT_STARTED:
        return ReportContent()
    start = report.period_start
    meetings = tuple(
        Meeting(min(start + timedelta(days=3 + 9 * k), report.period_end), mode, minutes)
        for k, (mode, minutes) in enumerate((("video", 45), ("in_person", 90))[: 1 + n % 2])
    )
    overall = OVERALL[n % len(OVERALL)]
    return ReportContent(
        meetings=() if status == RETURNED else meetings,
        communication="Replies to email within a day; we text before sessions.",
        principles=(
            PrincipleProgress(keys[n % len(keys)], "progressing", "Working through the topics."),
            PrincipleProgress(keys[(n + 5) % len(keys)], "beginning"),
        ),
        assignments_reviewed="Read the principle assignment draft and suggested sources.",
        strengths=STRENGTHS[n % len(STRENGTHS)],
        concerns=""
        if overall == ON_TRACK
        else "Workload at the district is heavy this month; two assignments are late.",
        risks=() if overall == ON_TRACK else ("workload", "assignments"),
        next_steps="" if status == DRAFT else NEXT_STEPS[n % len(NEXT_STEPS)],
        overall=None if status == DRAFT else overall,
    )


def seed_reports(session: Session, cohort: Cohort, today: date) -> dict[str, int]:
    """Date the cohort's active pairings from the term's start, open the reports due so far and
    give them their states; returns how many reports are in each state."""
    if cohort.term_start and cohort.term_start < today:
        session.execute(
            update(PAIRING)
            .where(PAIRING.c.cohort_id == cohort.id, PAIRING.c.status == "active")
            .values(started_on=cohort.term_start)
        )
    now = datetime.combine(today, time(12), tzinfo=UTC)
    sync_schedule(session, cohort.id, default_due_day=5, now=now)
    rows = session.scalars(
        select(ProgressReport)
        .where(ProgressReport.cohort_id == cohort.id)
        .order_by(ProgressReport.candidate_person_id, ProgressReport.month)
    ).all()
    places = {c: i for i, c in enumerate(sorted({r.candidate_person_id for r in rows}))}
    counts: dict[str, int] = {}
    for k, report in enumerate(rows):
        n = places[report.candidate_person_id]
        month_index = (report.month.year - rows[0].month.year) * 12 + report.month.month
        if report.due_on < today:
            status = PAST[(n + month_index) % len(PAST)]
        else:
            status = CURRENT[n % len(CURRENT)]
        content = _content(n + k, report, status)
        report.content, report.overall, report.shared = (
            content.to_json(),
            content.overall,
            list(content.shared),
        )
        report.status = status
        if status in {SUBMITTED, ACKNOWLEDGED, RETURNED}:
            handed_in = min(report.due_on - timedelta(days=1 + n % 3), today)
            report.submitted_at = datetime.combine(handed_in, time(20), tzinfo=UTC)
            report.submissions = 1
        if status in {ACKNOWLEDGED, RETURNED}:
            assert report.submitted_at is not None
            report.reviewed_at = min(report.submitted_at + timedelta(days=2), utcnow())
            report.review_comment = RETURN_COMMENT if status == RETURNED else "Thank you."
        counts[status] = counts.get(status, 0) + 1
    session.flush()
    return counts


def seed_demo(context: DemoSeedContext) -> None:
    """The reports feature's part of ``ctom-lti demo``."""
    if not context.populate:
        return
    config = load_cohort(context.cohort_file, load_curriculum())
    with session_scope(context.app) as session:
        cohort = find_cohort(session, config.sis_course_id)
        today = local_today(cohort.time_zone or "UTC", utcnow())
        counts = seed_reports(session, cohort, today)
    if counts:
        summary = ", ".join(
            f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items())
        )
        context.say(f"Monthly reports: {summary}.")
    else:
        context.say("Monthly reports: none yet (the demo term has not begun).")
