"""The outbox worker: claim due posts, deliver them, record what became of them.

``ctom-lti worker`` runs :func:`run_forever`; several may run side by side (each claims its own
rows). The request that wrote posts makes one attempt at them with :func:`post_now`.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from flask import Flask

from ctom_lti.db import get_engine, utcnow
from ctom_lti.grades.claims import Claimed, Finish, claim, finish
from ctom_lti.grades.delivery import deliver
from ctom_lti.grades.rules import FailureKind, GiveUp, PostState, next_step
from ctom_lti.grades.settings import OutboxSettings, outbox_settings

log = logging.getLogger(__name__)


@dataclass
class Round:
    """What one pass over the outbox did, by the state each claimed post ended in."""

    outcomes: Counter[PostState] = field(default_factory=Counter)
    #: claimed posts whose outcome another worker recorded first (their lease ran out)
    lost: int = 0

    @property
    def claimed(self) -> int:
        return sum(self.outcomes.values()) + self.lost

    def add(self, other: Round) -> None:
        self.outcomes.update(other.outcomes)
        self.lost += other.lost


def _outcome(app: Flask, claimed: Claimed, settings: OutboxSettings, quick: bool) -> Finish:
    try:
        return deliver(app, claimed, settings, quick=quick)
    except Exception as exc:  # a fault of the tool's own: keep the post, try again later
        log.exception("grade post %s: unexpected failure", claimed.id)
        step = next_step(
            FailureKind.UNCERTAIN, claimed.attempts, utcnow(), repr(exc), settings.policy
        )
        if isinstance(step, GiveUp):
            return Finish(PostState.FAILED, step.message)
        return Finish(PostState.PENDING, repr(exc), retry_at=step.at, maybe_landed=True)


def _deliver_all(app: Flask, rows: list[Claimed], settings: OutboxSettings, quick: bool) -> Round:
    done = Round()
    engine = get_engine(app)
    for claimed in rows:
        outcome = _outcome(app, claimed, settings, quick)
        if finish(engine, claimed, outcome, now=utcnow()):
            done.outcomes[outcome.state] += 1
        else:
            done.lost += 1
    return done


def run_once(app: Flask, *, limit: int | None = None, quick: bool = True) -> Round:
    """Claim the due posts (up to ``limit``, else the batch setting) and deliver them."""
    settings = outbox_settings(app)
    rows = claim(
        get_engine(app),
        limit=limit or settings.batch,
        lease=settings.lease,
        now=utcnow(),
    )
    return _deliver_all(app, rows, settings, quick)


def drain(app: Flask, *, quick: bool = True, stop: threading.Event | None = None) -> Round:
    """Deliver batches until nothing is due now (posts retried later stay for later)."""
    total = Round()
    while stop is None or not stop.is_set():
        done = run_once(app, quick=quick)
        total.add(done)
        if done.claimed == 0:
            break
    return total


def post_now(app: Flask, ids: Collection[int]) -> Round:
    """One attempt, without quick retries, at the given posts if they are due (after a request)."""
    settings = outbox_settings(app)
    if not ids:
        return Round()
    rows = claim(get_engine(app), limit=len(ids), lease=settings.lease, now=utcnow(), only=ids)
    return _deliver_all(app, rows, settings, quick=False)


def run_forever(app: Flask, *, poll: float, stop: threading.Event) -> Round:
    """Deliver what is due, then wait ``poll`` seconds, until ``stop`` is set."""
    total = Round()
    while not stop.is_set():
        done = drain(app, stop=stop)
        total.add(done)
        if done.claimed:
            log.info("grade outbox: %s", dict(done.outcomes))
        stop.wait(poll)
    return total


class WorkerThread:
    """A worker on a thread of this process (the demo runs one beside the tool)."""

    def __init__(self, app: Flask, *, poll: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(app, poll), name="grade-outbox-worker", daemon=True
        )

    def _run(self, app: Flask, poll: float) -> None:
        try:
            with app.app_context():
                run_forever(app, poll=poll, stop=self._stop)
        except Exception:  # the demo goes on; the posts stay in the outbox
            log.exception("the grade outbox worker thread stopped")

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
