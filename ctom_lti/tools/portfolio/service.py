"""The portfolio's reflections: save and share, sign off, reopen, comment.

Functions take a Session and the viewer's launch, check access, decide with ``rules.py``, write,
and return an outcome; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.errors import NotFound
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import AuditEvent
from ctom_lti.text import without_nul
from ctom_lti.tools.portfolio import grading
from ctom_lti.tools.portfolio.models import Artifact, Comment, Reflection
from ctom_lti.tools.portfolio.people import require
from ctom_lti.tools.portfolio.rules import (
    DRAFT,
    SIGNED_OFF,
    Decision,
    ReflectionState,
    decide_reopen,
    decide_save,
    decide_sign_off,
    decide_unshare,
)


@dataclass(frozen=True)
class Outcome:
    """What a change did: the reflection as it is now, and why it was refused (if it was)."""

    reflection: Reflection | None
    decision: Decision

    @property
    def stale(self) -> bool:
        return self.decision.refused == "stale"


def check_principle(principle_key: str) -> str:
    """The principle's name; NotFound for a key the curriculum does not have."""
    try:
        return load_curriculum().principle(principle_key).name
    except KeyError:
        raise NotFound("The curriculum has no such principle.") from None


def find_reflection(
    session: Session, cohort_id: int, candidate_id: int, principle_key: str
) -> Reflection | None:
    return session.scalar(
        select(Reflection).where(
            Reflection.cohort_id == cohort_id,
            Reflection.candidate_person_id == candidate_id,
            Reflection.principle_key == principle_key,
        )
    )


def _state(reflection: Reflection | None) -> ReflectionState:
    if reflection is None:
        return ReflectionState()
    return ReflectionState(
        reflection.status, reflection.version, reflection.signed_off_by_person_id
    )


def _audit(
    session: Session, actor: int, action: str, reflection: Reflection, **detail: object
) -> None:
    session.add(
        AuditEvent(
            actor_person_id=actor,
            action=f"portfolio.{action}",
            subject=f"reflection:{reflection.id}",
            detail={
                "cohort_id": reflection.cohort_id,
                "candidate_person_id": reflection.candidate_person_id,
                "principle_key": reflection.principle_key,
                "version": reflection.version,
                **detail,
            },
        )
    )


def _own_artifact_ids(session: Session, cohort_id: int, candidate_id: int) -> set[int]:
    return set(
        session.scalars(
            select(Artifact.id).where(
                Artifact.cohort_id == cohort_id, Artifact.candidate_person_id == candidate_id
            )
        )
    )


def save_reflection(
    session: Session,
    launch: SessionLaunch,
    principle_key: str,
    *,
    body: str,
    cited: list[int],
    expected_version: int,
    share: bool = False,
) -> Outcome:
    """The candidate saves their reflection (from the version their page showed), maybe sharing
    it with their mentor and instructors."""
    check_principle(principle_key)
    require(session, launch, launch.person_id, "edit")
    reflection = find_reflection(session, launch.cohort_id, launch.person_id, principle_key)
    decision = decide_save(_state(reflection), expected_version, share=share)
    if not decision.allowed:
        return Outcome(reflection, decision)
    now = utcnow()
    if reflection is None:
        reflection = Reflection(
            cohort_id=launch.cohort_id,
            candidate_person_id=launch.person_id,
            principle_key=principle_key,
            version=0,
            created_at=now,
        )
        session.add(reflection)
    was = reflection.status
    own = _own_artifact_ids(session, launch.cohort_id, launch.person_id)
    reflection.body = without_nul(body)
    reflection.cited_artifact_ids = [i for i in dict.fromkeys(cited) if i in own]
    reflection.status = decision.status or DRAFT
    reflection.version = (reflection.version or 0) + 1
    reflection.updated_at = now
    if reflection.status != was and reflection.status == "shared":
        reflection.shared_at = now
    session.flush()
    if reflection.status != was:
        _audit(session, launch.person_id, f"reflection.{reflection.status}", reflection)
    return Outcome(reflection, decision)


def unshare(
    session: Session, launch: SessionLaunch, principle_key: str, expected_version: int
) -> Outcome:
    """The candidate takes a shared reflection back to draft."""
    check_principle(principle_key)
    require(session, launch, launch.person_id, "edit")
    reflection = find_reflection(session, launch.cohort_id, launch.person_id, principle_key)
    decision = decide_unshare(_state(reflection), expected_version)
    if reflection is None or not decision.allowed:
        return Outcome(reflection, decision)
    reflection.status = DRAFT
    reflection.version += 1
    reflection.updated_at = utcnow()
    _audit(session, launch.person_id, "reflection.draft", reflection)
    return Outcome(reflection, decision)


def _reviewed(
    session: Session, launch: SessionLaunch, candidate_id: int, principle_key: str
) -> Reflection | None:
    check_principle(principle_key)
    require(session, launch, candidate_id, "sign_off")
    return find_reflection(session, launch.cohort_id, candidate_id, principle_key)


def sign_off(
    session: Session,
    launch: SessionLaunch,
    candidate_id: int,
    principle_key: str,
    expected_version: int,
) -> Outcome:
    """The candidate's active mentor or a cohort instructor signs off the version they read."""
    reflection = _reviewed(session, launch, candidate_id, principle_key)
    decision = decide_sign_off(_state(reflection), expected_version)
    if reflection is None or not decision.allowed:
        return Outcome(reflection, decision)
    complete_before = grading.is_complete(session, launch.cohort_id, candidate_id)
    now = utcnow()
    reflection.status = SIGNED_OFF
    reflection.signed_off_by_person_id = launch.person_id
    reflection.signed_off_at = now
    reflection.reopened_reason = None
    reflection.version += 1
    reflection.updated_at = now
    session.flush()
    _audit(session, launch.person_id, "reflection.signed_off", reflection)
    grading.record_change(session, launch, candidate_id, complete_before)
    return Outcome(reflection, decision)


def reopen(
    session: Session,
    launch: SessionLaunch,
    candidate_id: int,
    principle_key: str,
    *,
    expected_version: int,
    reason: str,
) -> Outcome:
    """The signer reopens a signed-off reflection with a reason; it is shared again."""
    reflection = _reviewed(session, launch, candidate_id, principle_key)
    decision = decide_reopen(_state(reflection), expected_version, launch.person_id, reason)
    if reflection is None or not decision.allowed:
        return Outcome(reflection, decision)
    complete_before = grading.is_complete(session, launch.cohort_id, candidate_id)
    reflection.status = decision.status or "shared"
    reflection.reopened_reason = without_nul(reason.strip())
    reflection.signed_off_at = None
    reflection.version += 1
    reflection.updated_at = utcnow()
    session.flush()
    _audit(session, launch.person_id, "reflection.reopened", reflection, reason=reason.strip())
    grading.record_change(session, launch, candidate_id, complete_before)
    return Outcome(reflection, decision)


def add_comment(
    session: Session,
    launch: SessionLaunch,
    candidate_id: int,
    body: str,
    *,
    principle_key: str | None = None,
    artifact_id: int | None = None,
) -> Comment:
    """A message in the thread on a candidate's reflection (made if the candidate has not
    started it) or on one of their artifacts."""
    require(session, launch, candidate_id, "comment")
    comment = Comment(
        cohort_id=launch.cohort_id,
        candidate_person_id=candidate_id,
        author_person_id=launch.person_id,
        body=without_nul(body.strip()),
        created_at=utcnow(),
    )
    if artifact_id is not None:
        artifact = session.get(Artifact, artifact_id)
        if (
            artifact is None
            or artifact.cohort_id != launch.cohort_id
            or artifact.candidate_person_id != candidate_id
        ):
            raise NotFound("There is no such artifact in this portfolio.")
        comment.artifact_id = artifact.id
    else:
        assert principle_key is not None
        check_principle(principle_key)
        reflection = find_reflection(session, launch.cohort_id, candidate_id, principle_key)
        if reflection is None:
            reflection = Reflection(
                cohort_id=launch.cohort_id,
                candidate_person_id=candidate_id,
                principle_key=principle_key,
                body="",
                cited_artifact_ids=[],
                status=DRAFT,
                version=1,
            )
            session.add(reflection)
            session.flush()
        # A new message is a change reviewers and the candidate should notice.
        reflection.updated_at = comment.created_at
        comment.reflection_id = reflection.id
    session.add(comment)
    session.flush()
    return comment
