"""Apply a plan: run its actions against Canvas, concurrently where they are independent.

Scheduling (:mod:`.schedule`): an action starts once every action in its ``deps`` has succeeded;
if one fails, everything that depends on it is skipped, and the rest carries on. Each action is
carried out by an :class:`~.apply.Applier` on a worker thread.

Safety: a create that Canvas may or may not have performed (:class:`CanvasWriteUncertain`) is
never simply repeated. The runner first looks for the object, the way the planner would find it,
and adopts it if it is there. Mapping rows are recorded (and committed) as each action completes,
in completion order, on a thread of their own; worker threads only talk to Canvas.

An exception that is not a Canvas error (a bug, Ctrl-C) stops the run: actions already running are
allowed to finish and be recorded, nothing new starts, and the exception propagates.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol

from ctom_lti.canvas.errors import CanvasError, CanvasWriteUncertain
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.actions import Action, Adopt, Blocked, Delete, Kind, Op
from ctom_lti.canvas_sync.apply import Applier, Ids
from ctom_lti.canvas_sync.desired_objects import DesiredTool
from ctom_lti.canvas_sync.outcome import STATUS_OF_OP, Outcome, Status
from ctom_lti.canvas_sync.planner import Plan
from ctom_lti.canvas_sync.schedule import Schedule

__all__ = ["MappingRecorder", "Outcome", "Runner", "Status", "persist"]

#: How often to look-then-create after Canvas leaves a create unconfirmed.
UNCERTAIN_ROUNDS = 5


class MappingRecorder(Protocol):
    """Where the runner records which Canvas object each desired key is."""

    course_id: int | None

    def record(
        self,
        key: str,
        kind: str,
        canvas_id: int,
        *,
        created_by_sync: bool | None = None,
        sent_digest: str | None = None,
        seen_digest: str | None = None,
    ) -> None: ...

    def forget(self, key: str) -> None: ...


class _MappingWriter:
    """Records outcomes in the mapping, in completion order, on a thread of its own.

    The database write (and its commit) happens as soon as each outcome arrives, but off the
    scheduling thread, so the next action in a chain starts without waiting for the disk.
    """

    _STOP = object()

    def __init__(self, recorder: MappingRecorder) -> None:
        self.recorder = recorder
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="sync-mapping", daemon=True)
        self.thread.start()

    def put(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.queue.put(outcome)

    def close(self, *, raise_errors: bool = True) -> None:
        self.queue.put(self._STOP)
        self.thread.join()
        if raise_errors and self.error is not None:
            raise self.error

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._STOP:
                return
            if self.error is not None:
                continue  # the session is unusable after a failure; report it at close
            try:
                assert isinstance(item, Outcome)
                persist(self.recorder, item)
            except Exception as exc:  # handed to the caller at close()
                self.error = exc


def persist(recorder: MappingRecorder, outcome: Outcome) -> None:
    """Write what one successful outcome means for the mapping."""
    action = outcome.action
    if isinstance(action, Delete):
        recorder.forget(action.key)
        return
    if action.kind is Kind.COURSE and outcome.ref is not None:
        recorder.course_id = outcome.ref.id
    if outcome.ref is None:
        return
    if action.op is Op.CREATE or isinstance(action, Adopt):
        created = action.created_by_sync if isinstance(action, Adopt) else True
        recorder.record(
            action.key,
            action.kind,
            outcome.ref.id,
            created_by_sync=created,
            sent_digest=outcome.sent_digest,
            seen_digest=outcome.seen_digest,
        )
    elif outcome.sent_digest is not None:
        # Canvas re-sanitises rich text on every save; remember what it stored this time.
        recorder.record(
            action.key,
            action.kind,
            outcome.ref.id,
            sent_digest=outcome.sent_digest,
            seen_digest=outcome.seen_digest,
        )


class Runner:
    """Runs a plan's actions (see the module docstring)."""

    def __init__(
        self,
        gateway: CanvasGateway,
        recorder: MappingRecorder,
        *,
        tool: DesiredTool,
        concurrency: int = 8,
        progress: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.gateway = gateway
        self.recorder = recorder
        self.tool = tool
        self.concurrency = max(1, concurrency)
        self.progress = progress

    # scheduling --------------------------------------------------------------------------------
    def run(self, plan: Plan) -> list[Outcome]:
        ids = Ids(plan.known.items())
        schedule = Schedule(plan.actions)
        writer = _MappingWriter(self.recorder)
        running: dict[Future[Outcome], Action] = {}
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="sync")
        try:
            while schedule.has_ready() or running:
                while schedule.has_ready() and len(running) < self.concurrency:
                    action = schedule.pop()
                    if action.writes:
                        running[pool.submit(self._apply, action, ids)] = action
                    else:
                        self._finish(schedule, self._local(action), ids, writer)
                if running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        running.pop(future)
                        self._finish(schedule, future.result(), ids, writer)
        except BaseException:
            # Stop starting work; let what is in flight finish and record what succeeded, so
            # the next run knows about it.
            pool.shutdown(wait=True, cancel_futures=True)
            for future in running:
                if not future.cancelled() and future.exception() is None:
                    writer.put(future.result())
            writer.close(raise_errors=False)
            raise
        pool.shutdown(wait=True)
        writer.close()
        return schedule.results()

    def _finish(
        self, schedule: Schedule, outcome: Outcome, ids: Ids, writer: _MappingWriter
    ) -> None:
        for each in schedule.complete(outcome):
            if each.ok and each.ref is not None:
                ids.refs[each.action.key] = each.ref
            writer.put(each)
            if self.progress is not None and (each.action.writes or not each.ok):
                self.progress(each)

    def _local(self, action: Action) -> Outcome:
        if isinstance(action, Adopt):
            return Outcome(
                action,
                Status.ADOPTED,
                ref=action.ref,
                sent_digest=action.sent_digest,
                seen_digest=action.seen_digest,
            )
        if isinstance(action, Blocked):
            return Outcome(action, Status.BLOCKED, error=action.reason)
        return Outcome(action, Status.SKIPPED, error="nothing to do")

    # applying one action (worker threads) ------------------------------------------------------
    def _apply(self, action: Action, ids: Ids) -> Outcome:
        applier = Applier(self.gateway, ids, self.tool)
        try:
            if action.op is Op.CREATE:
                return self._create(applier, action)
            ref, sent, seen = applier.apply(action)
            return Outcome(
                action, STATUS_OF_OP[action.op], ref=ref, sent_digest=sent, seen_digest=seen
            )
        except CanvasError as exc:
            return Outcome(action, Status.FAILED, error=exc.message, hint=exc.hint)

    def _create(self, applier: Applier, action: Action) -> Outcome:
        for attempt in range(1, UNCERTAIN_ROUNDS + 1):
            try:
                ref, sent, seen = applier.apply(action)
            except CanvasWriteUncertain:
                found = applier.look_for(action)
                if found is not None:
                    return Outcome(action, Status.CREATED, ref=found, recovered=True)
                self.gateway.backoff(attempt)
                continue
            return Outcome(action, Status.CREATED, ref=ref, sent_digest=sent, seen_digest=seen)
        ref, sent, seen = applier.apply(action)
        return Outcome(action, Status.CREATED, ref=ref, sent_digest=sent, seen_digest=seen)
