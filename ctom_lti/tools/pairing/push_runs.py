"""A push started from the board: it runs in a background thread and writes how far it has got
to its ``pairing_push`` row, which the board polls, so the admin sees progress and then the
outcome without holding a request open (Canvas may take a while).

A click while a push runs shows that push rather than starting a second one; a push whose server
stopped mid-way is marked failed once it is older than ``STALE_AFTER``, and pushing again is safe
(sync makes nothing twice).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import desc, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ctom_lti.canvas_sync.outcome import Outcome
from ctom_lti.canvas_sync.planner import Plan
from ctom_lti.db import session_scope, utcnow
from ctom_lti.errors import CtomError
from ctom_lti.models import Cohort
from ctom_lti.tools.pairing.models import PairingPush
from ctom_lti.tools.pairing.push import PushResult, finish_record, push_pairings

STALE_AFTER = timedelta(minutes=15)
#: Progress is written at most this often (seconds), and always at the last change.
WRITE_EVERY = 0.2
STARTING = "Reading the course's people and observer links from Canvas…"
THREADS = "ctom.pairing.push_threads"
#: push id → its latest progress line, for a board served by the process running the push.
LINES = "ctom.pairing.push_lines"


@dataclass(frozen=True)
class PushStatus:
    id: int
    #: ``running``, ``succeeded`` or ``failed``.
    status: str
    lines: tuple[str, ...]

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def as_status(row: PairingPush) -> PushStatus:
    return PushStatus(row.id, row.status, tuple(x for x in row.summary.split("\n") if x))


def push_status(
    session: Session, cohort_id: int, push_id: int, app: Flask | None = None
) -> PushStatus | None:
    """The push as its row has it; while it runs in this process, with its latest line."""
    row = session.get(PairingPush, push_id, populate_existing=True)
    if row is None or row.cohort_id != cohort_id:
        return None
    status = as_status(row)
    line = app.extensions.get(LINES, {}).get(push_id) if app is not None else None
    if status.running and line:
        return PushStatus(status.id, status.status, (line,))
    return status


def start_push(session: Session, cohort_id: int) -> tuple[PairingPush, bool]:
    """The cohort's running push, or a new running one (True when new). A running push older
    than ``STALE_AFTER`` did not survive its server: it is marked failed (flushes, no commit)."""
    running = session.scalar(
        select(PairingPush)
        .where(PairingPush.cohort_id == cohort_id, PairingPush.status == "running")
        .order_by(desc(PairingPush.id))
        .limit(1)
    )
    if running is not None and utcnow() - running.started_at < STALE_AFTER:
        return running, False
    if running is not None:
        running.status = "failed"
        running.finished_at = utcnow()
        running.summary = (
            "This push stopped before it finished (the server was restarted).\n"
            "What to do: push again; nothing is made twice."
        )
    row = PairingPush(cohort_id=cohort_id, status="running", summary=STARTING)
    session.add(row)
    session.flush()
    return row, True


class _Progress:
    """Keeps "k of n changes made": in the process at once (for a board this process serves),
    and in the push row for the others. A thread of its own writes the row, in short
    transactions of its own connection: sync may hold the database's write lock (SQLite) while
    it reports, and must never wait for the progress line."""

    def __init__(self, app: Flask, push_id: int) -> None:
        self.app, self.push_id = app, push_id
        self.total, self.done = 0, 0
        self.text: str | None = None
        self.changed = threading.Event()
        self.closed = False
        self.writer = threading.Thread(target=self._write_changes, name=f"push-{push_id}-progress")
        self.writer.start()

    def plan(self, plan: Plan) -> None:
        self.total = len(plan.writes)
        self._say(
            f"Canvas read: {self.total} observer-link changes to make."
            if self.total
            else "Canvas read: no observer links to change."
        )

    def step(self, _outcome: Outcome) -> None:
        self.done += 1
        self._say(f"{self.done} of {self.total} observer-link changes made…")

    def close(self) -> None:
        self.app.extensions.get(LINES, {}).pop(self.push_id, None)
        self.closed = True
        self.changed.set()
        self.writer.join()

    def _say(self, text: str) -> None:
        self.text = text
        self.app.extensions.setdefault(LINES, {})[self.push_id] = text
        self.changed.set()

    def _write_changes(self) -> None:
        written = None
        while True:
            self.changed.wait()
            self.changed.clear()
            if self.closed:
                return
            text = self.text
            if text is not None and text != written:
                try:
                    with session_scope(self.app) as session:
                        session.execute(
                            update(PairingPush)
                            .where(PairingPush.id == self.push_id, PairingPush.status == "running")
                            .values(summary=text)
                        )
                    written = text
                except SQLAlchemyError:  # the line is only a courtesy; the outcome is written
                    self.app.logger.warning("Push %s: progress not written", self.push_id)
            time.sleep(WRITE_EVERY)


def run_push(app: Flask, cohort_id: int, push_id: int) -> None:
    """Push the cohort's pairings, finishing the running row ``push_id`` (in this thread)."""
    progress = _Progress(app, push_id)
    try:
        _push(app, cohort_id, push_id, progress)
    finally:
        progress.close()


def _push(app: Flask, cohort_id: int, push_id: int, progress: _Progress) -> None:
    from ctom_lti.cohorts.canvas_access import cohort_gateway
    from ctom_lti.lti.registrations import get_fernet

    with app.app_context(), session_scope(app) as session:
        record = session.get(PairingPush, push_id)
        cohort = session.get(Cohort, cohort_id)
        assert record is not None and cohort is not None
        try:
            gateway = cohort_gateway(session, cohort, get_fernet(app))
            push_pairings(
                session,
                cohort,
                gateway,
                tool_base_url=str(app.config["BASE_URL"]),
                record=record,
                on_plan=progress.plan,
                progress=progress.step,
            )
        except CtomError as exc:
            session.rollback()
            finish_record(session, record, PushResult(False, exc.message, exc.hint))
        except Exception:
            session.rollback()
            finish_record(
                session,
                record,
                PushResult(
                    False,
                    "The push stopped on an unexpected error (it is in the server's log).",
                    "Push again; nothing is made twice. If it stops again, tell the tool's "
                    "administrators.",
                ),
            )
            app.logger.exception("Pairing push %s failed", push_id)


def run_in_background(app: Flask, cohort_id: int, push_id: int) -> threading.Thread:
    """Start ``run_push`` in a thread; the app keeps the threads so a shutdown can wait."""
    thread = threading.Thread(
        target=run_push, args=(app, cohort_id, push_id), name=f"pairing-push-{push_id}"
    )
    threads: list[threading.Thread] = app.extensions.setdefault(THREADS, [])
    threads[:] = [t for t in threads if t.is_alive()]
    threads.append(thread)
    thread.start()
    return thread


def wait_for_pushes(app: Flask, timeout: float = 60.0) -> None:
    """Wait for the app's background pushes to finish (tests, a graceful shutdown)."""
    for thread in list(app.extensions.get(THREADS, [])):
        thread.join(timeout)
