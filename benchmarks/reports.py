"""Benchmark: the report pages' database work at 1,000 and 10,000 candidates.

Seeds a database (PostgreSQL with ``--database-url``, else a temporary SQLite file) with
cohorts of 40 candidates and 13-14 mentors each, every candidate paired for a ten-month term and
one report per pairing per month (statuses spread as a living programme has them, some with
reminders sent): 1,000 candidates (25 cohorts, 10,000 reports) first, then up to 10,000
candidates (250 cohorts, 100,000 reports). At each size it prints, for

- the instructor grid of one cohort (what ``/c/<id>/reports/grid`` does: keep the schedule's rows
  in step, then read the grid),
- a mentor's dashboard (what ``/c/<id>/reports`` does for a mentor: the schedule, then the
  mentor's list),
- an admin's overview of every cohort of the registration,

the p95 and median time of ``--repeat`` runs (each on a fresh session, after a warm-up), the
median CPU time of the benchmark's own process (the machine may be shared; the database server's
CPU is not in it) and the SQL statements one run sends. Target (issue 10): p95 < 100 ms at
10,000 candidates, the same statement count at both sizes. Page rendering is not included (no
database work).

    .venv/bin/python benchmarks/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python benchmarks/reports.py --quick      # small sizes, under a minute
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.databases import make_database
from benchmarks.reports_seed import (
    DUE_DAY,
    NOW,
    Seeded,
    seed_cohorts,
)
from ctom_lti import create_app
from ctom_lti.db import get_engine, get_sessionmaker
from ctom_lti.migrate import upgrade
from ctom_lti.models import Cohort, Platform
from ctom_lti.tools.reports import dashboard, grid
from ctom_lti.tools.reports.service import sync_schedule

TARGET_MS = 100.0


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class Figure:
    p95_ms: float
    median_ms: float
    #: median CPU time of this process (the database server's is not in it)
    cpu_ms: float
    statements: int


def measure(
    engine: Engine, make: Callable[[], Session], work: Callable[[Session], object], repeat: int
) -> Figure:
    """Run ``work`` on a fresh session ``repeat`` times (after two warm-ups)."""
    times, cpu = [], []
    statements = 0
    for i in range(repeat + 2):
        session = make()
        try:
            with counting(engine) as seen:
                start, start_cpu = time.perf_counter(), time.process_time()
                work(session)
                elapsed = time.perf_counter() - start
                spent = time.process_time() - start_cpu
            session.rollback()
        finally:
            session.close()
        if i >= 2:
            times.append(elapsed * 1000)
            cpu.append(spent * 1000)
            statements = len(seen)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Figure(p95, statistics.median(times), statistics.median(cpu), statements)


def page_work(seeded: Seeded) -> dict[str, Callable[[Session], object]]:
    """What each page asks of the database, for a cohort in the middle of those seeded."""
    cohort_id, mentors = seeded.cohorts[len(seeded.cohorts) // 2]
    mentor_id = mentors[0]

    def instructor_grid(session: Session) -> object:
        sync_schedule(session, cohort_id, default_due_day=DUE_DAY, now=NOW)
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        return grid.cohort_grid(session, cohort_id, grid.cohort_today(cohort, NOW))

    def mentor_dashboard(session: Session) -> object:
        sync_schedule(session, cohort_id, default_due_day=DUE_DAY, now=NOW)
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        today = grid.cohort_today(cohort, NOW)
        return dashboard.mentor_dashboard(session, cohort_id, mentor_id, today)

    def admin_overview(session: Session) -> object:
        return grid.overview(session, seeded.platform_id, NOW)

    return {
        "instructor grid (one cohort)": instructor_grid,
        "mentor dashboard": mentor_dashboard,
        "admin overview (all cohorts)": admin_overview,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("CTOM_BENCH_DATABASE_URL"))
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    sizes = (200, 800) if args.quick else (1_000, 10_000)
    repeat = args.repeat or (20 if args.quick else 60)
    workdir = Path(tempfile.mkdtemp(prefix="ctom-reports-bench-"))
    database = make_database(args.database_url, workdir, "reports-bench")
    app = create_app({"DATABASE_URL": database.url, "INSTANCE_PATH": str(workdir / "instance")})
    rng = random.Random(args.seed)
    try:
        upgrade(app)
        engine = get_engine(app)
        make = get_sessionmaker(app)
        with make() as session:
            platform = Platform(
                issuer="https://canvas.instructure.com",
                client_id="10000000000999",
                auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
                auth_token_url="https://sso.canvaslms.com/login/oauth2/token",
                key_set_url="https://sso.canvaslms.com/api/lti/security/jwks",
                name="Benchmark district",
            )
            session.add(platform)
            session.commit()
            seeded = Seeded(platform.id, [])
        print(f"reports benchmark on {database.label}; {repeat} runs per figure after 2 warm-ups")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (wall times include waiting)")
        print(
            f"{'candidates':>10} {'reports':>8}  {'page':<30} {'p95':>9} {'median':>9} "
            f"{'CPU':>9} {'SQL':>4}"
        )
        counts: dict[str, set[int]] = {}
        worst = 0.0
        for size in sizes:
            started = time.perf_counter()
            with make() as session:
                while seeded.candidates < size:
                    seed_cohorts(session, seeded, 1, rng)
                session.commit()
            if database.label == "PostgreSQL":
                # What autovacuum does on a live database: statistics and the visibility map.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            seed_s = time.perf_counter() - started
            for name, work in page_work(seeded).items():
                figure = measure(engine, make, work, repeat)
                counts.setdefault(name, set()).add(figure.statements)
                if size == sizes[-1]:
                    worst = max(worst, figure.p95_ms)
                print(
                    f"{seeded.candidates:>10,} {seeded.reports:>8,}  {name:<30} "
                    f"{figure.p95_ms:>6.1f} ms {figure.median_ms:>6.1f} ms "
                    f"{figure.cpu_ms:>6.1f} ms {figure.statements:>4}"
                )
            print(f"{'':>20}  (seeded {len(seeded.cohorts)} cohorts in {seed_s:.1f} s)")
        same = all(len(v) == 1 for v in counts.values())
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average at the end: {load}")
        print(
            f"p95 at {sizes[-1]:,} candidates: {worst:.1f} ms "
            f"({'under' if worst < TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target); "
            f"statement counts {'the same' if same else 'DIFFER'} at both sizes"
        )
    finally:
        get_engine(app).dispose()
        if database.cleanup:
            database.cleanup()


if __name__ == "__main__":
    main()
