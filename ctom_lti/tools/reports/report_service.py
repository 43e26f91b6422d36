"""Writing one report: saving, submitting, acknowledging, returning (takes a session, never
commits).

Every change checks the version the person's page showed and is recorded in the audit log. A
submission (and a resubmission) puts a complete score for the candidate in the month's gradebook
column into the grade outbox, in the same transaction; a return puts an incomplete one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ctom_lti.db import utcnow
from ctom_lti.errors import NotFound
from ctom_lti.models import AuditEvent
from ctom_lti.tools.reports.grading import enqueue_report_score
from ctom_lti.tools.reports.models import ProgressReport
from ctom_lti.tools.reports.rules import (
    ReportContent,
    changed_parts,
    decide,
    missing_for_submission,
)
from ctom_lti.tools.reports.schedule import month_key

MAX_COMMENT = 4000


class ReportNotFound(NotFound):
    title = "No such report"
    message = "This report does not exist in this course, or it is not yours to see."
    hint = "Open Reports from the course navigation to see the reports you can open."


@dataclass(frozen=True)
class Outcome:
    """What became of a change: done, or why not (nothing was changed then)."""

    done: bool = False
    #: Someone else changed the report first (the page showed an older version).
    stale: bool = False
    #: The action is not allowed in the report's status or for this person.
    refused: str = ""
    #: What is missing or wrong, by field (the change is otherwise allowed).
    problems: dict[str, str] = field(default_factory=dict)


def get_report(session: Session, cohort_id: int, report_id: int) -> ProgressReport:
    """The report ``report_id`` of the cohort; :class:`ReportNotFound` otherwise."""
    report = session.scalar(
        select(ProgressReport).where(
            ProgressReport.id == report_id, ProgressReport.cohort_id == cohort_id
        )
    )
    if report is None:
        raise ReportNotFound()
    return report


def _audit(
    session: Session, report: ProgressReport, action: str, actor_id: int, **detail: Any
) -> None:
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action=f"report.{action}",
            subject=f"report {report.id}",
            detail={
                "month": month_key(report.month),
                "candidate": report.candidate_person_id,
                "mentor": report.mentor_person_id,
                "status": report.status,
                "version": report.version,
                **detail,
            },
        )
    )


def _flush(session: Session) -> bool:
    """Write the pending change; False when another transaction changed the row meanwhile."""
    try:
        with session.begin_nested():
            session.flush()
    except StaleDataError:
        return False
    return True


def save(
    session: Session,
    report: ProgressReport,
    content: ReportContent,
    expected_version: int,
    *,
    actor_id: int,
    submit: bool = False,
    automatic: bool = False,
) -> Outcome:
    """Save the mentor's report as a draft, or submit it (which locks it).

    :param automatic: an autosave; nothing is written (or logged) when nothing changed.
    """
    decision = decide(
        "submit" if submit else "save",
        report.status,
        is_author=actor_id == report.mentor_person_id,
        is_staff=False,
    )
    if not decision.allowed:
        return Outcome(refused=decision.refused)
    if report.version != expected_version:
        return Outcome(stale=True)
    if submit:
        missing = missing_for_submission(content)
        if missing:
            return Outcome(problems=missing)
    changed = changed_parts(ReportContent.from_json(report.content), content)
    if not changed and decision.status == report.status and automatic:
        return Outcome(done=True)
    resubmission = submit and report.submissions > 0
    report.content = content.to_json()
    report.overall = content.overall
    report.shared = list(content.shared)
    report.status = decision.status
    report.saved_by_person_id = actor_id
    report.updated_at = utcnow()
    if submit:
        report.submitted_at = report.updated_at
        report.submissions += 1
    if not _flush(session):
        return Outcome(stale=True)
    action = ("resubmit" if resubmission else "submit") if submit else "save"
    _audit(session, report, action, actor_id, changed=changed, automatic=automatic)
    if submit:
        enqueue_report_score(session, report, passed=True)
    session.flush()
    return Outcome(done=True)


def review(
    session: Session,
    report: ProgressReport,
    expected_version: int,
    *,
    actor_id: int,
    acknowledge: bool,
    comment: str,
) -> Outcome:
    """An instructor acknowledges a submitted report or returns it to the mentor with a comment."""
    decision = decide(
        "acknowledge" if acknowledge else "return",
        report.status,
        is_author=False,
        is_staff=True,
    )
    if not decision.allowed:
        return Outcome(refused=decision.refused)
    if report.version != expected_version:
        return Outcome(stale=True)
    comment = comment.strip()
    if not acknowledge and not comment:
        return Outcome(problems={"comment": "Say what the mentor should revise."})
    if len(comment) > MAX_COMMENT:
        return Outcome(problems={"comment": f"Keep the comment under {MAX_COMMENT} characters."})
    was = report.status
    report.status = decision.status
    report.reviewed_by_person_id = actor_id
    report.reviewed_at = utcnow()
    report.review_comment = comment
    report.updated_at = report.reviewed_at
    if not _flush(session):
        return Outcome(stale=True)
    _audit(
        session,
        report,
        "acknowledge" if acknowledge else "return",
        actor_id,
        was=was,
        comment=comment,
    )
    if not acknowledge:
        enqueue_report_score(session, report, passed=False)
    session.flush()
    return Outcome(done=True)
