"""``ctom-lti worker`` killed (SIGKILL) in the middle of a post, and restarted: the score is in
Canvas exactly once. The restarted worker reads the result before posting again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from ctom_lti.db import get_engine, utcnow
from ctom_lti.grades import GradePost
from ctom_lti.grades.worker import drain

from .graded import REPORT, GradedCohort

LEASE_SECONDS = 3.0


def _worker_env(graded: GradedCohort, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "CTOM_DATABASE_URL": database_url,
        "CTOM_INSTANCE_PATH": graded.app.instance_path,
        "CTOM_GRADES_LEASE_SECONDS": str(LEASE_SECONDS),
        "CTOM_GRADES_QUICK_WAIT": "0.05",
        "CTOM_GRADES_BACKOFF_SECONDS": "0",
    }
    if graded.app.config.get("REDIS_URL"):
        env["CTOM_REDIS_URL"] = graded.app.config["REDIS_URL"]
    return env


@contextmanager
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    script = Path(sys.executable).with_name("ctom-lti")
    proc = subprocess.Popen(
        [str(script), "worker", "--poll", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker
                proc.kill()
                proc.wait()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_post_and_restarted_posts_once(
    graded: GradedCohort, database_url: str
) -> None:
    # The column exists already, so the killed worker's first call to Canvas is the score.
    graded.enqueue(REPORT, graded.candidates[1])
    drain(graded.app)
    graded.sandbox.log.clear()
    graded.sandbox.knobs.set(latency_ms=2000.0, latency_paths=("/api/lti/courses/",))
    user = graded.candidates[0]
    post_id = graded.enqueue(REPORT, user)
    env = _worker_env(graded, database_url)

    with worker(env) as first:
        wait_for(lambda: graded.post(post_id).state == "sending", "the worker claimed the post")
        time.sleep(0.8)  # its score is on the wire: Canvas is still taking its time
        first.send_signal(signal.SIGKILL)
        first.wait()
    # What the dead worker sent still lands in Canvas; the outbox still says "sending".
    wait_for(lambda: graded.score_posts() == 1, "the dead worker's post landed")
    assert graded.canvas_score(REPORT, user) == (1.0, 1)
    assert graded.post(post_id).state == "sending"

    graded.sandbox.knobs.set(latency_ms=0.0)
    with worker(env):
        wait_for(lambda: graded.post(post_id).state == "sent", "the restarted worker settled it")

    assert graded.canvas_score(REPORT, user) == (1.0, 1)
    assert graded.score_posts() == 1
    row = graded.post(post_id)
    assert row.last_error == "Canvas already had this score."
    assert row.attempts == 2


def test_a_post_a_dead_worker_never_sent_is_posted_by_the_next(graded: GradedCohort) -> None:
    user = graded.candidates[0]
    post_id = graded.enqueue(REPORT, user)
    # A worker claimed it, then died before its post left: the claim runs out.
    with get_engine(graded.app).begin() as conn:
        conn.execute(
            update(GradePost)
            .where(GradePost.id == post_id)
            .values(
                state="sending",
                attempts=1,
                claim_token="dead-worker",
                lease_until=utcnow() - timedelta(seconds=1),
                score_timestamp=utcnow() - timedelta(minutes=5),
            )
        )

    done = drain(graded.app)

    assert dict(done.outcomes) == {"sent": 1}
    assert graded.canvas_score(REPORT, user) == (1.0, 1)
    assert graded.score_posts(200) == 1
    # It read the gradebook first, found nothing, and posted.
    reads = graded.sandbox.log.entries(method="GET", path_prefix="/api/lti/")
    assert any(e.path.endswith("/results") for e in reads)
