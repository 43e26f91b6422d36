"""Grade posts reach the sandbox Canvas over real HTTP: the column is made once, each score is
recorded once, whatever Canvas throws at the worker."""

from __future__ import annotations

import threading

from sqlalchemy import delete

from ctom_lti.db import get_engine
from ctom_lti.grades import GradeColumn, PostState
from ctom_lti.grades.worker import drain, run_once

from .graded import PORTFOLIO, REPORT, GradedCohort


def test_a_post_makes_the_column_once_and_marks_the_candidate(graded: GradedCohort) -> None:
    passed, failed = graded.candidates[:2]
    first = graded.enqueue(REPORT, passed, passed=True)
    second = graded.enqueue(REPORT, failed, passed=False)

    done = drain(graded.app)

    assert done.outcomes[PostState.SENT] == 2
    assert graded.states() == {first: "sent", second: "sent"}
    assert graded.canvas_score(REPORT, passed) == (1.0, 1)
    assert graded.canvas_score(REPORT, failed) == (0.0, 1)
    [item] = graded.line_items()
    assert (item.tag, item.resource_id, item.label) == (REPORT.tag, REPORT.tag, REPORT.label)

    # Re-runs: nothing due, nothing sent; a new score in the same column finds it stored.
    assert drain(graded.app).claimed == 0
    graded.enqueue(REPORT, graded.candidates[2])
    assert drain(graded.app).outcomes[PostState.SENT] == 1
    assert len(graded.line_items()) == 1
    assert graded.line_item_creates() == 1


def test_a_column_made_by_an_earlier_install_is_found_not_made_again(
    graded: GradedCohort,
) -> None:
    graded.enqueue(PORTFOLIO, graded.candidates[0])
    drain(graded.app)
    # The tool forgets what it stored (a restored backup): it finds the column by its tag.
    with get_engine(graded.app).begin() as conn:
        conn.execute(delete(GradeColumn))
    graded.enqueue(PORTFOLIO, graded.candidates[1])
    assert drain(graded.app).outcomes[PostState.SENT] == 1
    assert len(graded.line_items()) == 1
    assert graded.line_item_creates() == 1


def test_two_workers_racing_make_each_column_once(graded: GradedCohort) -> None:
    graded.app.config["GRADES_WORKER_BATCH"] = 1
    graded.sandbox.knobs.set(latency_ms=150.0)
    for user in graded.candidates[:6]:
        graded.enqueue(REPORT, user)
        graded.enqueue(PORTFOLIO, user)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            drain(graded.app)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    assert set(graded.states().values()) == {"sent"}
    assert sorted(i.tag for i in graded.line_items()) == sorted([REPORT.tag, PORTFOLIO.tag])
    assert graded.line_item_creates() == 2
    assert graded.score_posts(200) == 12


def test_scores_are_recorded_once_through_5xx_and_throttling(graded: GradedCohort) -> None:
    graded.sandbox.knobs.seed(7)
    graded.sandbox.knobs.set(error_rate=0.1, throttle_rate=0.1, fault_paths=("/api/lti/",))
    decided = {u.id: n % 3 != 0 for n, u in enumerate(graded.candidates)}
    for user in graded.candidates:
        graded.enqueue(REPORT, user, passed=decided[user.id])

    rounds = 0
    while set(graded.states().values()) != {"sent"} and rounds < 20:
        drain(graded.app)
        rounds += 1

    assert set(graded.states().values()) == {"sent"}
    for user in graded.candidates:
        assert graded.canvas_score(REPORT, user) == (1.0 if decided[user.id] else 0.0, 1)
    assert graded.score_posts(200) == len(graded.candidates)
    # Canvas did fail: the faults were there to survive.
    faults = graded.sandbox.log.entries(path_prefix="/api/lti/")
    assert sum(1 for e in faults if e.fault is not None) >= 5
    assert len(graded.line_items()) == 1


def test_a_post_whose_answer_was_lost_is_read_back_not_posted_again(
    graded: GradedCohort,
) -> None:
    # The nasty case: Canvas records the score, then the answer is lost (5xx or dropped).
    graded.sandbox.knobs.seed(11)
    graded.sandbox.knobs.set(
        ambiguous_rate=0.3, error_rate=0.05, throttle_rate=0.05, fault_paths=("/api/lti/",)
    )
    for user in graded.candidates:
        graded.enqueue(REPORT, user)

    rounds = 0
    while set(graded.states().values()) != {"sent"} and rounds < 20:
        drain(graded.app)
        rounds += 1

    assert set(graded.states().values()) == {"sent"}
    for user in graded.candidates:
        assert graded.canvas_score(REPORT, user) == (1.0, 1)
    lost = graded.sandbox.log.entries(path_prefix="/api/lti/")
    assert any(
        e.fault in ("error_after", "drop_after") and e.path.endswith("/scores") for e in lost
    )
    assert len(graded.line_items()) == 1


def test_the_latest_decision_wins(graded: GradedCohort) -> None:
    user = graded.candidates[0]
    first = graded.enqueue(REPORT, user, passed=True)
    second = graded.enqueue(REPORT, user, passed=False)
    assert graded.states() == {first: "superseded", second: "pending"}
    drain(graded.app)
    assert graded.canvas_score(REPORT, user) == (0.0, 1)
    third = graded.enqueue(REPORT, user, passed=True)
    assert run_once(graded.app).outcomes[PostState.SENT] == 1
    assert graded.states()[third] == "sent"
    assert graded.canvas_score(REPORT, user) == (1.0, 2)
