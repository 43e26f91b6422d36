"""Benchmark: grade posts per second through the outbox with N workers side by side.

For each worker count a fresh sandbox Canvas (with ``--latency-ms`` per request, as a distant
Canvas has), a fresh tool database and a course of ``--posts`` students are made; one score per
student is put in the outbox in one transaction, then N workers (threads of this process, each
running what ``ctom-lti worker`` runs) drain it. Printed per N: the wall-clock time, posts per
second, and the checks that matter: every post sent, the column created once, and every score
recorded exactly once in the sandbox (each student's submission has one attempt).

    .venv/bin/python benchmarks/grade_outbox.py [--posts 200] [--workers 1,2,4,8]
        [--latency-ms 50] [--database-url postgresql+psycopg://…/db]

Without ``--database-url`` a SQLite file in a temporary folder is used (one writer at a time:
claims queue behind each other); PostgreSQL workers claim with ``FOR UPDATE SKIP LOCKED``. With
a PostgreSQL URL the database's tables are emptied before each run.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, select

from ctom_lti import create_app, migrate
from ctom_lti.db import Model, get_engine, session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.grades import ColumnSpec, GradePost, enqueue_pass_fail
from ctom_lti.grades.worker import drain
from ctom_lti.lti.keys import ensure_current_key
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.models import Cohort, Person
from ctom_lti.sandbox.platform.state import line_items
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.schema import import_all_models
from ctom_lti.serving import ServerThread

COLUMN = ColumnSpec("ctom-report-2026-09", "Mentor report - September 2026")


@dataclass(frozen=True)
class Measured:
    workers: int
    seconds: float
    sent: int
    columns: int
    once: bool

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def _app(instance: Path, database_url: str | None) -> Flask:
    url = database_url or f"sqlite:///{instance}/outbox.sqlite3"
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "GRADES_WORKER_BATCH": 5,
            "GRADES_QUICK_WAIT": 0.05,
            "LOG_LEVEL": "WARNING",
        }
    )
    migrate.upgrade(app)
    if database_url:
        import_all_models()
        with get_engine(app).begin() as conn:
            for table in reversed(Model.metadata.sorted_tables):
                if table.name not in ("alembic_version",):
                    conn.execute(delete(table))
    return app


def run(posts: int, workers: int, latency_ms: float, database_url: str | None) -> Measured:
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp), database_url)
        with (
            SandboxServer(admin_token="bench-admin-token") as sandbox,
            ServerThread(app, host="localhost") as tool,
        ):
            app.config["BASE_URL"] = tool.base_url
            ensure_current_key(app)
            store = sandbox.store
            course = store.add_course("Outbox benchmark", course_code="BENCH")
            users = []
            for n in range(posts):
                login = f"student{n}@district.example.org"
                user = store.add_user(f"Student {n}", login, email=login)
                store.enroll(user.id, course.id, "StudentEnrollment")
                users.append(user)
            install = connect_tool_and_sandbox(app, sandbox, tool.base_url, course_id=course.id)
            registration = get_runtime(app).registry.find(store.issuer, install.client_id)
            assert registration is not None
            with session_scope(app) as session:
                cohort = Cohort(
                    platform_id=registration.platform_id,
                    canvas_url=sandbox.base_url,
                    canvas_course_id=str(course.id),
                    title="Outbox benchmark",
                )
                session.add(cohort)
                session.flush()
                for user in users:
                    person = Person(
                        platform_id=registration.platform_id, sub=user.lti_id, name=user.name
                    )
                    session.add(person)
                    session.flush()
                    enqueue_pass_fail(
                        session,
                        cohort_id=cohort.id,
                        column=COLUMN,
                        person_id=person.id,
                        passed=True,
                        source="benchmark",
                    )
            sandbox.knobs.set(latency_ms=latency_ms)
            threads = [threading.Thread(target=drain, args=(app,)) for _ in range(workers)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            with get_engine(app).connect() as conn:
                states = list(conn.scalars(select(GradePost.state)))
            with store.lock:
                items = [i for i in line_items(store).values() if i.course_id == course.id]
                item = items[0]
                attempts = [
                    store.submission_for(item.assignment_id, u.id).attempt or 0 for u in users
                ]
        get_engine(app).dispose()
    return Measured(
        workers=workers,
        seconds=seconds,
        sent=states.count("sent"),
        columns=len(items),
        once=all(a == 1 for a in attempts),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.posts} posts, sandbox latency {args.latency_ms:g} ms per request, {backend}\n"
        f"{'workers':>7} {'seconds':>8} {'posts/s':>8} {'sent':>5} {'columns':>7} {'once':>5}"
    )
    for workers in (int(w) for w in args.workers.split(",")):
        m = run(args.posts, workers, args.latency_ms, args.database_url)
        print(
            f"{m.workers:>7} {m.seconds:>8.2f} {m.per_second:>8.1f} {m.sent:>5} "
            f"{m.columns:>7} {'yes' if m.once else 'NO':>5}"
        )


if __name__ == "__main__":
    main()
