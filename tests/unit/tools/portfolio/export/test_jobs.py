"""Background export jobs: progress while they run, the file when done, owners only, a clear
failure when the writer fails or the worker running it died."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from ctom_lti.tools.portfolio.export.jobs import ExportJobs, JobState, JobStatus


def _wait(jobs: ExportJobs, job: JobStatus, until: Callable[[JobStatus], bool]) -> JobStatus:
    deadline = time.monotonic() + 10
    while True:
        status = jobs.status(job.id, cohort_id=job.cohort_id, person_id=job.person_id)
        assert status is not None
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_a_job_reports_progress_then_its_file_to_its_owner_only(tmp_path: Path) -> None:
    jobs = ExportJobs(tmp_path / "exports")
    halfway, finish = threading.Event(), threading.Event()

    def write(out: BinaryIO, progress: Callable[[int, int], None]) -> None:
        out.write(b"first half ")
        progress(1, 2)
        halfway.set()
        finish.wait(10)
        out.write(b"second half")
        progress(2, 2)

    job = jobs.start(cohort_id=1, person_id=7, kind="pdf", download_name="p.pdf", write=write)
    assert job.state is JobState.WAITING
    assert halfway.wait(10)
    running = _wait(jobs, job, lambda s: s.done == 1)
    assert (running.state, running.percent) == (JobState.RUNNING, 50)
    assert jobs.result(running) is None
    finish.set()
    done = _wait(jobs, job, lambda s: s.finished)
    assert (done.state, done.percent, done.download_name) == (JobState.DONE, 100, "p.pdf")
    path = jobs.result(done)
    assert path is not None
    assert path.read_bytes() == b"first half second half"
    assert os.stat(path).st_mode & 0o077 == 0  # readable by the server only
    assert jobs.status(job.id, cohort_id=1, person_id=8) is None  # someone else
    assert jobs.status(job.id, cohort_id=2, person_id=7) is None  # another cohort
    assert jobs.status("../../etc/passwd", cohort_id=1, person_id=7) is None
    assert jobs.status("x" * 24, cohort_id=1, person_id=7) is None


def test_a_writer_that_fails_leaves_a_failed_status_and_no_file(tmp_path: Path) -> None:
    jobs = ExportJobs(tmp_path)

    def write(out: BinaryIO, progress: Callable[[int, int], None]) -> None:
        out.write(b"partial")
        raise RuntimeError("boom")

    job = jobs.start(cohort_id=1, person_id=7, kind="html", download_name="p.zip", write=write)
    failed = _wait(jobs, job, lambda s: s.finished)
    assert failed.state is JobState.FAILED
    assert "Try again" in failed.problem
    assert jobs.result(failed) is None
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json"]


def test_a_job_whose_worker_died_reads_as_failed(tmp_path: Path) -> None:
    jobs = ExportJobs(tmp_path, stale_after=timedelta(minutes=5))
    old = (datetime.now(UTC) - timedelta(minutes=6)).isoformat()
    job_id = "A" * 24
    (tmp_path / f"{job_id}.json").write_text(
        json.dumps(
            {
                "id": job_id,
                "cohort_id": 1,
                "person_id": 7,
                "kind": "pdf",
                "download_name": "p.pdf",
                "state": "running",
                "done": 3,
                "total": 10,
                "updated_at": old,
            }
        )
    )
    status = jobs.status(job_id, cohort_id=1, person_id=7)
    assert status is not None
    assert status.state is JobState.FAILED
    assert "restarted" in status.problem


def test_old_exports_are_deleted_when_a_new_one_starts(tmp_path: Path) -> None:
    jobs = ExportJobs(tmp_path, keep_for=timedelta(hours=1))
    old = tmp_path / ("B" * 24 + ".out")
    old.write_bytes(b"old")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    def write(out: BinaryIO, progress: Callable[[int, int], None]) -> None:
        progress(1, 1)

    job = jobs.start(cohort_id=1, person_id=7, kind="pdf", download_name="p.pdf", write=write)
    assert not old.exists()
    assert _wait(jobs, job, lambda s: s.finished).state is JobState.DONE
