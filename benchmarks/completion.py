"""Benchmark: read a cohort's pass/fail gradebook the completion check's way vs. per student.

The sandbox Canvas runs in its own process (as Canvas would be another machine) and waits
``--latency-ms`` (default 50) before answering each API request. For each size it builds a
course of N students x M published pass/fail assignments, grades it, then reads it:

- the completion check's reader (``read_course_gradebook``): the course's assignments, then the
  grouped bulk submissions of every student (``student_ids[]=all``), 100 students a page;
- a per-student approach, measured in the same run: the assignments, then one request for each
  student's submissions.

Printed per size: API requests and wall time of each. Target (issue 12): at most 5 requests for
40 candidates x 40 assignments.

    .venv/bin/python -m benchmarks.completion [--latency-ms 50] [--sizes 40x40,400x40]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

ADMIN_TOKEN = "1~benchmark-admin-token"


def serve_sandbox(latency_ms: float, conn: Connection) -> None:
    """Run a sandbox; build a graded course for each (students, assignments) asked for."""
    from ctom_lti.sandbox import content, grading
    from ctom_lti.sandbox.server import SandboxServer

    server = SandboxServer(admin_token=ADMIN_TOKEN, latency_ms=latency_ms)
    with server:
        conn.send(server.base_url)
        while True:
            message = conn.recv()
            if message == "stop":
                return
            students, assignments = message
            store = server.store
            course = store.add_course(
                f"Cohort {students}x{assignments}", workflow_state="available"
            )
            group = content.add_assignment_group(store, course.id, "Programme")
            teacher = store.add_user("Grader", f"grader-{course.id}@example.edu")
            made = [
                content.create_assignment(
                    store,
                    course.id,
                    f"Duty {n}",
                    assignment_group_id=group.id,
                    published=True,
                    grading_type="pass_fail",
                    points_possible=1.0,
                    submission_types=["online_upload"],
                )
                for n in range(assignments)
            ]
            for s in range(students):
                user = store.add_user(
                    f"Candidate {s}",
                    f"c{course.id}-{s}@example.edu",
                    sis_user_id=f"c{course.id}-{s}",
                )
                store.enroll(user.id, course.id, "StudentEnrollment")
                for n, a in enumerate(made):
                    if (s + n) % 7:
                        grading.grade_submission(store, a, user.id, "complete", teacher.id)
            conn.send((course.id, group.id, [a.id for a in made]))


@dataclass
class Measured:
    requests: int
    seconds: float
    cells: int


def bulk(base_url: str, course_id: int, group_id: int, assignment_ids: list[int]) -> Measured:
    """The completion check's reader."""
    from ctom_lti.canvas import make_canvas_gateway
    from ctom_lti.tools.completion.gradebook import read_course_gradebook
    from ctom_lti.tools.completion.settings import CompletionSettings

    gateway = make_canvas_gateway(base_url, ADMIN_TOKEN)
    keys = {aid: f"duty-{n}" for n, aid in enumerate(assignment_ids)}
    started = time.perf_counter()
    book = read_course_gradebook(
        gateway,
        course_id,
        keys,
        {group_id: "programme"},
        settings=CompletionSettings(required_groups=("programme",)),
        zone=ZoneInfo("UTC"),
    )
    seconds = time.perf_counter() - started
    cells = sum(len(row) for row in book.cells.values())
    return Measured(gateway.calls.total, seconds, cells)


def per_student(base_url: str, course_id: int, assignment_ids: list[int]) -> Measured:
    """One request for the assignments, then one per student (as a simple script would)."""
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
    api = f"{base_url}/api/v1/courses/{course_id}"
    started = time.perf_counter()
    calls = 0

    def get_all(url: str, params: Any) -> list[Any]:
        nonlocal calls
        rows: list[Any] = []
        next_url: str | None = url
        while next_url:
            reply = http.get(next_url, params=params, timeout=30)
            reply.raise_for_status()
            calls += 1
            rows += reply.json()
            params = None
            next_url = reply.links.get("next", {}).get("url")
        return rows

    get_all(f"{api}/assignments", {"per_page": 100})
    students = [
        e["user_id"]
        for e in get_all(f"{api}/enrollments", {"type[]": "StudentEnrollment", "per_page": 100})
    ]
    cells = 0
    for user_id in students:
        cells += len(
            get_all(
                f"{api}/students/submissions",
                {
                    "student_ids[]": [user_id],
                    "assignment_ids[]": assignment_ids,
                    "per_page": 100,
                },
            )
        )
    return Measured(calls, time.perf_counter() - started, cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--sizes", default="40x40,400x40", help="students x assignments, ...")
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=serve_sandbox, args=(args.latency_ms, child), daemon=True)
    proc.start()
    base_url = parent.recv()
    rows = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for students, assignments in sizes:
                parent.send((students, assignments))
                course_id, group_id, assignment_ids = parent.recv()
                ours = bulk(base_url, course_id, group_id, assignment_ids)
                theirs = per_student(base_url, course_id, assignment_ids)
                assert ours.cells == theirs.cells == students * assignments, (ours, theirs)
                rows.append((students, assignments, ours, theirs))
    finally:
        parent.send("stop")
        proc.join(timeout=10)

    print(f"Sandbox Canvas in its own process, {args.latency_ms:g} ms per API request.")
    print()
    print(f"{'size':>9}  {'approach':<26}{'requests':>9}{'wall s':>9}")
    for students, assignments, ours, theirs in rows:
        size = f"{students}x{assignments}"
        print(
            f"{size:>9}  {'completion (bulk, grouped)':<26}{ours.requests:>9}{ours.seconds:>9.2f}"
        )
        print(f"{'':>9}  {'per student':<26}{theirs.requests:>9}{theirs.seconds:>9.2f}")
    first = rows[0]
    print()
    print(
        f"{first[0]}x{first[1]}: {first[2].requests} requests (target <= 5); "
        f"per student {first[3].requests}, {first[3].seconds / first[2].seconds:.1f}x slower"
    )


if __name__ == "__main__":
    main()
