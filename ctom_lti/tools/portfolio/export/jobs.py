"""Exports built in the background while the candidate's page shows how far they are.

A job writes its file in a thread of the process that started it and keeps its status in a small
JSON file beside the output, in a folder every worker of the app can read. So a status request
or the download may reach any worker, and a worker that dies mid-export leaves a status that
stops changing: after ``stale_after`` it reads as failed. Job ids are random and each job
remembers its owner (cohort and person): another person asking for it is told it does not exist.
At most ``max_running`` exports run at once in a process (a PDF takes a hundred megabytes or
more); the rest wait their turn. Finished exports are deleted after ``keep_for``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

#: Writes an export to the file it is given, reporting (steps done, steps in all).
Writer = Callable[[BinaryIO, Callable[[int, int], None]], None]

_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


class JobState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class JobStatus:
    id: str
    cohort_id: int
    person_id: int
    kind: str
    download_name: str
    state: JobState
    done: int
    total: int
    updated_at: str
    problem: str = ""

    @property
    def percent(self) -> int:
        if self.state is JobState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class ExportJobs:
    """The export jobs kept in ``directory`` (created when missing)."""

    def __init__(
        self,
        directory: Path,
        *,
        max_running: int = 2,
        stale_after: timedelta = timedelta(minutes=5),
        keep_for: timedelta = timedelta(hours=24),
    ) -> None:
        self.directory = directory
        self.stale_after = stale_after
        self.keep_for = keep_for
        with _SLOTS_LOCK:
            self._slots = _SLOTS.setdefault(max_running, threading.BoundedSemaphore(max_running))

    def start(
        self, *, cohort_id: int, person_id: int, kind: str, download_name: str, write: Writer
    ) -> JobStatus:
        """Start writing an export in the background; return its first status."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._sweep()
        status = JobStatus(
            id=secrets.token_urlsafe(18),
            cohort_id=cohort_id,
            person_id=person_id,
            kind=kind,
            download_name=download_name,
            state=JobState.WAITING,
            done=0,
            total=0,
            updated_at=_now(),
        )
        self._save(status)
        threading.Thread(
            target=self._run, args=(status, write), name=f"export-{kind}", daemon=True
        ).start()
        return status

    def status(self, job_id: str, *, cohort_id: int, person_id: int) -> JobStatus | None:
        """The job's status if it exists and belongs to this person in this cohort."""
        if not _JOB_ID.match(job_id):
            return None
        try:
            raw = json.loads(self._path(job_id, "json").read_text("utf-8"))
            status = JobStatus(**{**raw, "state": JobState(raw["state"])})
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if (status.cohort_id, status.person_id) != (cohort_id, person_id):
            return None
        if not status.finished and _age(status.updated_at) > self.stale_after:
            return replace(
                status,
                state=JobState.FAILED,
                problem="The export stopped before it finished (the server restarted).",
            )
        return status

    def result(self, status: JobStatus) -> Path | None:
        """The finished file of a job that is done."""
        path = self._path(status.id, "out")
        return path if status.state is JobState.DONE and path.is_file() else None

    def _run(self, status: JobStatus, write: Writer) -> None:
        part = self._path(status.id, "part")
        last_saved = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal status, last_saved
            status = replace(status, done=done, total=total, updated_at=_now())
            if time.monotonic() - last_saved > 0.25 or done >= total:
                last_saved = time.monotonic()
                self._save(status)

        try:
            with self._slots:
                status = replace(status, state=JobState.RUNNING, updated_at=_now())
                self._save(status)
                fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as out:
                    write(out, progress)
                part.replace(self._path(status.id, "out"))
            self._save(replace(status, state=JobState.DONE, updated_at=_now()))
        except Exception:
            log.exception("portfolio export %s failed", status.kind)
            part.unlink(missing_ok=True)
            self._save(
                replace(
                    status,
                    state=JobState.FAILED,
                    updated_at=_now(),
                    problem="The export could not be built. Try again; if it fails again, "
                    "tell your programme administrator.",
                )
            )

    def _save(self, status: JobStatus) -> None:
        target = self._path(status.id, "json")
        temporary = target.with_suffix(f".{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps(asdict(status)), "utf-8")
        temporary.replace(target)

    def _path(self, job_id: str, suffix: str) -> Path:
        return self.directory / f"{job_id}.{suffix}"

    def _sweep(self) -> None:
        """Delete what finished exports left behind once they are older than ``keep_for``."""
        cutoff = time.time() - self.keep_for.total_seconds()
        for path in self.directory.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue  # another worker swept it first


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _age(stamp: str) -> timedelta:
    try:
        return datetime.now(UTC) - datetime.fromisoformat(stamp)
    except ValueError:
        return timedelta.max
