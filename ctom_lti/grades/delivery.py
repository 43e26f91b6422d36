"""Delivering one claimed post to Canvas: find the column, read first when the post may have
landed already, post, and say what became of it.

Quick retries (tenacity) cover throttling, 5xx and timeouts within one attempt; what still fails
goes back to the outbox with a later time (:func:`ctom_lti.grades.rules.next_step`) or, when a
person must act, is marked failed with a message saying what to do.

With slow answers and retries a delivery can take longer than the claim's lease, so each try
renews the lease first, and again right before the score is posted: a post only leaves while
this worker holds the row for longer than one call can take (every call has the outbound
deadline). A worker that finds the row taken over stops without posting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import requests
from flask import Flask
from sqlalchemy import select
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from ctom_lti.db import get_engine, utcnow
from ctom_lti.errors import CtomError
from ctom_lti.grades.claims import Claimed, Finish, newer_decision_exists, renew
from ctom_lti.grades.columns import ColumnBusy, ensure_column, forget_column
from ctom_lti.grades.rules import (
    ColumnSpec,
    FailureKind,
    GiveUp,
    PostState,
    already_in_canvas,
    classify,
    next_step,
)
from ctom_lti.grades.settings import OutboxSettings
from ctom_lti.lti.advantage import Gradebook, PlatformServiceError, ServiceUnavailable
from ctom_lti.lti.services import gradebook_client
from ctom_lti.models import Cohort, Person

log = logging.getLogger(__name__)

#: The placeholder ``sub`` of people imported before their first launch (pairing's import).
_PLACEHOLDER_SUB = "pending:"


class NeedsPerson(CtomError):
    """A failure no retry can mend; the message says what a person should do."""

    status = 409
    title = "The grade cannot be posted yet"


class Attempt(CtomError):
    """A failed call to Canvas, classified (caught by the worker, never shown as a page)."""

    status = 502
    title = "Canvas did not take the grade"

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class LeaseLost(CtomError):
    """Another worker claimed the row while this one was delivering it (caught by the worker,
    never retried, never shown as a page)."""

    status = 409
    title = "Another worker took this grade post over"


@dataclass(frozen=True)
class Target:
    """Where a post goes: the course's gradebook, the column, and the person's LTI ``sub``."""

    gradebook: Gradebook
    spec: ColumnSpec
    sub: str


def _target(app: Flask, claimed: Claimed) -> Target:
    with get_engine(app).connect() as conn:
        cohort = conn.execute(
            select(
                Cohort.platform_id, Cohort.canvas_url, Cohort.canvas_course_id, Cohort.title
            ).where(Cohort.id == claimed.cohort_id)
        ).first()
        person = conn.execute(
            select(Person.sub, Person.name, Person.email).where(Person.id == claimed.person_id)
        ).first()
    if cohort is None or person is None:
        raise NeedsPerson("The cohort or the person is no longer known to CTO Mentor.")
    who = person.name or person.email or "This person"
    if not person.sub or person.sub.startswith(_PLACEHOLDER_SUB):
        raise NeedsPerson(
            f"{who} has not opened CTO Mentor from Canvas yet, so Canvas's id for them is "
            "unknown. Retry once they have."
        )
    if not cohort.canvas_url or not cohort.canvas_course_id:
        raise NeedsPerson(
            f"The Canvas course of {cohort.title or 'this cohort'} is not known yet. Open CTO "
            "Mentor from the course (or sync the cohort), then retry."
        )
    # Canvas's AGS line items URL for a course (canvas-lti.md §5.3).
    lineitems = (
        f"{cohort.canvas_url.rstrip('/')}/api/lti/courses/{cohort.canvas_course_id}/line_items"
    )
    try:
        gradebook = gradebook_client(app, platform_id=cohort.platform_id, lineitems_url=lineitems)
    except ServiceUnavailable as exc:
        raise NeedsPerson(exc.message) from exc
    spec = ColumnSpec(claimed.column_tag, claimed.column_label, claimed.score_maximum)
    return Target(gradebook, spec, person.sub)


def _classified(exc: Exception) -> Attempt:
    if isinstance(exc, PlatformServiceError):
        return Attempt(classify(exc.platform_status, exc.message), exc.message)
    if isinstance(exc, ServiceUnavailable):
        transient = isinstance(exc, requests.RequestException) or isinstance(
            exc.__cause__, requests.RequestException
        )
        return Attempt(classify(None, exc.message, retryable=transient), exc.message)
    if isinstance(exc, ColumnBusy):
        return Attempt(FailureKind.THROTTLED, str(exc))
    if isinstance(exc, CtomError):
        return Attempt(FailureKind.NEEDS_PERSON, exc.message)
    if isinstance(exc, requests.RequestException):
        return Attempt(FailureKind.UNCERTAIN, f"Canvas could not be reached: {exc}")
    raise exc


class _Delivery:
    """One attempt at one claimed post (with its quick retries)."""

    def __init__(self, app: Flask, claimed: Claimed, target: Target, lease: timedelta) -> None:
        self.app = app
        self.claimed = claimed
        self.target = target
        self.lease = lease
        self.maybe_landed = claimed.maybe_landed

    def hold(self) -> None:
        """Renew the lease, or stop: the row is another worker's now."""
        if not renew(get_engine(self.app), self.claimed, lease=self.lease, now=utcnow()):
            raise LeaseLost(f"grade post {self.claimed.id} was claimed by another worker")

    def once(self) -> Finish:
        engine = get_engine(self.app)
        self.hold()
        try:
            column = ensure_column(
                engine, self.claimed.cohort_id, self.target.spec, self.target.gradebook
            )
            gradebook, sub, passed = self.target.gradebook, self.target.sub, self.claimed.passed
            if self.maybe_landed:
                found = gradebook.result_for(column, sub)
                if found is not None and already_in_canvas(passed, found.score):
                    return Finish(PostState.SENT, "Canvas already had this score.")
            self.hold()
            receipt = gradebook.post_pass_fail(
                column, sub, passed=passed, at=self.claimed.score_timestamp
            )
        except LeaseLost:
            raise
        except Exception as exc:
            failure = _classified(exc)
            if isinstance(exc, PlatformServiceError) and exc.platform_status == 404:
                # The column was deleted in Canvas: forget it, so a retry makes it again.
                forget_column(engine, self.claimed.cohort_id, self.target.spec.tag)
            if failure.kind is FailureKind.UNCERTAIN:
                self.maybe_landed = True
            raise failure from exc
        if receipt.recorded:
            return Finish(PostState.SENT)
        # Canvas keeps a score stamped later than this decision (a newer one won).
        return Finish(PostState.SUPERSEDED, receipt.detail or "Canvas holds a newer score.")


def deliver(app: Flask, claimed: Claimed, settings: OutboxSettings, *, quick: bool) -> Finish:
    """Post ``claimed`` and say what became of it (never raises for Canvas's failures).

    :param quick: retry throttling, 5xx and timeouts a few times in-process (the worker);
        without, one try (the attempt right after a request).
    """
    engine = get_engine(app)
    if newer_decision_exists(engine, claimed):
        return Finish(PostState.SUPERSEDED, "A newer decision replaced this one.")
    try:
        target = _target(app, claimed)
    except NeedsPerson as exc:
        return Finish(PostState.FAILED, str(exc))
    delivery = _Delivery(app, claimed, target, settings.lease)
    retrying = Retrying(
        stop=stop_after_attempt(settings.quick_tries if quick else 1),
        wait=wait_exponential(multiplier=settings.quick_wait, max=30),
        retry=retry_if_exception(
            lambda e: isinstance(e, Attempt) and e.kind is not FailureKind.NEEDS_PERSON
        ),
        reraise=True,
    )
    try:
        return retrying(delivery.once)
    except LeaseLost:
        # The worker that took the row over records its outcome; this one records nothing.
        log.warning("grade post %s: another worker took it over; stopped", claimed.id)
        return Finish(PostState.PENDING, "Another worker took this post over.")
    except Attempt as failure:
        log.warning("grade post %s failed: %s", claimed.id, failure.message)
        step = next_step(failure.kind, claimed.attempts, utcnow(), failure.message, settings.policy)
        if isinstance(step, GiveUp):
            return Finish(PostState.FAILED, step.message)
        return Finish(
            PostState.PENDING,
            failure.message,
            retry_at=step.at,
            maybe_landed=delivery.maybe_landed,
        )
