"""A delivery slower than the claim's lease (slow Canvas answers, quick retries) keeps its post:
the worker renews the lease as it goes, so a second worker polling the outbox the whole time
never claims the row, and Canvas records the score once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import update

from ctom_lti.cli import main
from ctom_lti.db import get_engine, utcnow
from ctom_lti.grades import GradePost
from ctom_lti.grades.claims import claim, renew
from ctom_lti.grades.rules import PostState
from ctom_lti.grades.worker import Round, run_once
from ctom_lti.sandbox.knobs import Fault

from .graded import REPORT, GradedCohort

#: Each Canvas call takes LATENCY seconds; the delivery below makes about a dozen of them, far
#: longer than the lease, while no stretch between two renewals comes near it.
LEASE_SECONDS = 2.0
LATENCY_MS = 400
FAILED_POSTS = 4


def test_a_delivery_longer_than_the_lease_is_not_taken_over(graded: GradedCohort) -> None:
    app = graded.app
    app.config.update(
        GRADES_LEASE_SECONDS=LEASE_SECONDS,
        GRADES_QUICK_TRIES=FAILED_POSTS + 2,
        GRADES_QUICK_WAIT=0.05,
    )
    user = graded.candidates[0]
    post_id = graded.enqueue(REPORT, user)
    # Score posts (…/line_items/<id>/scores) fail with 5xx a few times, every answer slow.
    scores = f"/api/lti/courses/{graded.course.id}/line_items/"
    graded.sandbox.knobs.inject(Fault.ERROR, times=FAILED_POSTS, method="POST", path_prefix=scores)
    graded.sandbox.knobs.set(latency_ms=LATENCY_MS)

    first: list[Round] = []
    second = Round()
    first_done = threading.Event()

    def first_worker() -> None:
        try:
            first.append(run_once(app, limit=1))
        finally:
            first_done.set()

    def second_worker() -> None:
        while not first_done.is_set():
            second.add(run_once(app))
            first_done.wait(0.05)

    a = threading.Thread(target=first_worker)
    a.start()
    # The second worker starts polling once the first holds the row (else it could claim first).
    claimed_by = time.monotonic() + 30
    while graded.post(post_id).state != "sending":
        assert time.monotonic() < claimed_by, "the first worker never claimed the post"
        time.sleep(0.01)
    b = threading.Thread(target=second_worker)
    b.start()
    a.join(120)
    b.join(120)
    assert not a.is_alive() and not b.is_alive()

    [done] = first
    assert dict(done.outcomes) == {PostState.SENT: 1} and done.lost == 0
    assert second.claimed == 0  # the second worker never took the row over
    assert graded.post(post_id).state == "sent"
    assert graded.score_posts() == FAILED_POSTS + 1
    assert graded.canvas_score(REPORT, user) == (1.0, 1)


def test_only_the_token_holder_renews(graded: GradedCohort) -> None:
    engine = get_engine(graded.app)
    lease = timedelta(minutes=5)
    post_id = graded.enqueue(REPORT, graded.candidates[0])
    [held] = claim(engine, limit=1, lease=lease, now=utcnow())
    assert renew(engine, held, lease=lease, now=utcnow())
    # Its lease runs out and another worker claims the row: the first can no longer renew it.
    with engine.begin() as conn:
        conn.execute(
            update(GradePost)
            .where(GradePost.id == post_id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
    [taken] = claim(engine, limit=1, lease=lease, now=utcnow())
    assert taken.id == post_id and taken.token != held.token and taken.maybe_landed
    assert not renew(engine, held, lease=lease, now=utcnow())
    assert renew(engine, taken, lease=lease, now=utcnow())


def test_a_worker_warns_when_its_lease_is_shorter_than_a_stretch_between_renewals(
    graded: GradedCohort,
) -> None:
    app = graded.app
    runner = app.test_cli_runner()
    app.config.update(GRADES_LEASE_SECONDS=300.0, LTI_HTTP_DEADLINE=5.0)
    quiet = runner.invoke(main, ["worker", "--once"])
    assert quiet.exit_code == 0, quiet.output
    assert "Warning" not in quiet.output

    app.config.update(GRADES_LEASE_SECONDS=10.0, LTI_HTTP_DEADLINE=5.0, GRADES_QUICK_WAIT=0.5)
    warned = runner.invoke(main, ["worker", "--once"])
    assert warned.exit_code == 0, warned.output
    assert "GRADES_LEASE_SECONDS is 10 s" in warned.output
    assert "set CTOM_GRADES_LEASE_SECONDS to at least 22" in warned.output
