"""Admins' overrides: one rule met for one candidate, with a written justification, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.db import utcnow
from ctom_lti.models import AuditEvent, Membership, Role
from ctom_lti.tools.completion.models import CompletionOverride
from ctom_lti.tools.completion.settings import RULE_KEYS


@dataclass(frozen=True)
class OverrideChange:
    done: bool
    #: the row changed since the page was shown (nothing was changed)
    stale: bool = False
    refused: str | None = None
    current: CompletionOverride | None = None


def find_override(
    session: Session, cohort_id: int, person_id: int, rule: str
) -> CompletionOverride | None:
    return session.scalar(
        select(CompletionOverride).where(
            CompletionOverride.cohort_id == cohort_id,
            CompletionOverride.person_id == person_id,
            CompletionOverride.rule == rule,
        )
    )


def _is_candidate(session: Session, cohort_id: int, person_id: int) -> bool:
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.cohort_id == cohort_id,
                Membership.person_id == person_id,
                Membership.role == Role.CANDIDATE.value,
            )
        )
        is not None
    )


def set_override(
    session: Session,
    cohort_id: int,
    person_id: int,
    rule: str,
    *,
    justification: str,
    expected_version: int,
    actor_id: int | None,
    actor_name: str,
    revoke: bool = False,
) -> OverrideChange:
    """Record (or revoke) an override; ``expected_version`` is what the page showed (0: none)."""
    if rule not in RULE_KEYS:
        return OverrideChange(False, refused=f"There is no rule {rule!r}.")
    if not _is_candidate(session, cohort_id, person_id):
        return OverrideChange(False, refused="That person is not a candidate of this cohort.")
    row = find_override(session, cohort_id, person_id, rule)
    if (row.version if row else 0) != expected_version:
        return OverrideChange(False, stale=True, current=row)
    if revoke and (row is None or row.revoked_at is not None):
        return OverrideChange(False, refused="There is no override of this rule to revoke.")
    now: datetime = utcnow()
    if row is None:
        row = CompletionOverride(
            cohort_id=cohort_id, person_id=person_id, rule=rule, justification="", version=0
        )
        session.add(row)
    before = {"justification": row.justification, "revoked": row.revoked_at is not None}
    if revoke:
        row.revoked_at = now
    else:
        row.justification = justification
        row.revoked_at = None
        row.by_person_id = actor_id
        row.by_name = actor_name
    row.version += 1
    row.updated_at = now
    session.flush()
    session.add(
        AuditEvent(
            actor_person_id=actor_id,
            action="completion.override.revoke" if revoke else "completion.override",
            subject=f"person:{person_id}",
            detail={
                "cohort": cohort_id,
                "rule": rule,
                "justification": justification,
                "before": before,
            },
        )
    )
    return OverrideChange(True, current=row)
