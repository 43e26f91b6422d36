"""Benchmark: build a cohort course with canvas_sync vs. a plain sequential canvasapi script.

Both build the same course (the packaged spec for the example cohort file) in the same sandbox
Canvas, which runs in a separate process (as Canvas would be another machine) and waits
``--latency-ms`` (default 50) before answering each API request. Printed: API reads and writes
and wall time of each, the objects created, the ratio of wall times, and the cost of re-running
sync on the finished course.

Targets (issue 4): sync's writes equal the objects created (plus the one publish per module
Canvas makes necessary, which the script needs too); sync's wall time at most 1/4 of the
script's; a re-run writes nothing.

    .venv/bin/python benchmarks/sync.py [--latency-ms 50] [--concurrency 8] [--repeat 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

TOOL_URL = "https://ctom.example.edu"
ADMIN_TOKEN = "1~benchmark-admin-token"


# --- the sandbox Canvas, in its own process ------------------------------------------------


def serve_sandbox(latency_ms: float, conn: Connection) -> None:
    """Run a sandbox with the tool deployed for the account until told to stop."""
    from ctom_lti.lti.config_json import developer_key_config, redirect_uris
    from ctom_lti.sandbox.platform.developer_keys import create_developer_key
    from ctom_lti.sandbox.platform.tools import deploy
    from ctom_lti.sandbox.server import SandboxServer

    server = SandboxServer(admin_token=ADMIN_TOKEN, latency_ms=latency_ms)
    key = create_developer_key(
        server.store, developer_key_config(TOOL_URL), redirect_uris(TOOL_URL)
    )
    deploy(server.store, key)
    with server:
        conn.send(server.base_url)
        conn.recv()  # any message: stop


# --- the two contenders ----------------------------------------------------------------------


@dataclass
class Measured:
    reads: int
    writes: int
    seconds: float
    objects: int


def run_sync(
    base_url: str, concurrency: int, sis_suffix: str, db_dir: Path
) -> tuple[Measured, Measured]:
    """canvas_sync as ``ctom-lti sync`` runs it, on a fresh SQLite database; then once more."""
    from ctom_lti import create_app, migrate
    from ctom_lti.canvas import make_canvas_gateway
    from ctom_lti.canvas_sync import sync_course
    from ctom_lti.db import session_scope

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{db_dir}/sync.sqlite3", "INSTANCE_PATH": str(db_dir)}
    )
    migrate.upgrade(app)
    cohort = example_cohort(sis_suffix)
    gateway = make_canvas_gateway(base_url, ADMIN_TOKEN, concurrency=concurrency)
    started = time.perf_counter()
    with session_scope(app) as session:
        report = sync_course(
            session, gateway, cohort, tool_base_url=TOOL_URL, concurrency=concurrency
        )
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"sync failed: {report.next_steps}")
    first = Measured(report.api.reads, report.api.writes, seconds, report.counts["created"])
    # The same course again: nothing to do.
    started = time.perf_counter()
    with session_scope(app) as session:
        again = sync_course(session, gateway, cohort, tool_base_url=TOOL_URL)
    rerun = Measured(
        again.api.reads, again.api.writes, time.perf_counter() - started, again.counts["created"]
    )
    return first, rerun


def example_cohort(sis_suffix: str) -> Any:
    from ctom_lti.cohorts import parse_cohort
    from ctom_lti.cohorts.tomlsource import TomlSource
    from ctom_lti.curriculum.loader import load_curriculum

    text = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text()
    text = text.replace('"CTOM-2026-C12"', f'"CTOM-2026-C12-{sis_suffix}"')
    return parse_cohort(TomlSource(text, "cohort.example.toml"), load_curriculum())


def example_desired(sis_suffix: str = "x") -> Any:
    from ctom_lti.canvas_sync.desired import desired_course
    from ctom_lti.canvas_sync.spec import load_spec
    from ctom_lti.curriculum.loader import load_curriculum

    cohort = example_cohort(sis_suffix)
    return desired_course(load_curriculum(), load_spec(), cohort, tool_base_url=TOOL_URL)


def run_sequential_script(base_url: str, sis_suffix: str) -> Measured:
    """What a plain canvasapi script does: one request after another, in the spec's order.

    It builds exactly what sync builds (same names, settings and order), from the same desired
    course, so both do the same work; only the way of doing it differs.
    """
    from canvasapi import Canvas

    want = example_desired(sis_suffix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # plain-HTTP sandbox URL
        canvas = Canvas(base_url, ADMIN_TOKEN)
    calls: Counter[str] = Counter()
    session = canvas._Canvas__requester._session
    session.hooks["response"].append(
        lambda r, *a, **k: calls.update(["read" if r.request.method == "GET" else "write"])
    )

    def when(dt: Any) -> str:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""

    started = time.perf_counter()
    s = want.settings
    account = canvas.get_account(s.account_id)
    course = account.create_course(
        course={
            "name": s.name,
            "course_code": s.course_code,
            "sis_course_id": s.sis_course_id,
            "start_at": when(s.start_at),
            "end_at": when(s.end_at),
            "restrict_enrollments_to_course_dates": s.restrict_enrollments_to_course_dates,
            "default_view": s.default_view,
            "time_zone": s.time_zone,
        }
    )
    tool = next(
        t for t in course.get_external_tools(include_parents=True) if t.url.startswith(TOOL_URL)
    )
    groups = {g.key: course.create_assignment_group(name=g.name).id for g in want.groups}
    pages = {
        p.key: course.create_page(
            wiki_page={"title": p.title, "body": p.body, "published": True}
        ).url
        for p in want.pages
    }
    assignments = {}
    for a in want.assignments:
        fields = {
            "name": a.name,
            "assignment_group_id": groups[a.group_key],
            "points_possible": a.points_possible,
            "grading_type": a.grading_type,
            "submission_types": list(a.submission_types),
            "published": True,
            "description": a.description,
        }
        if a.due_at:
            fields["due_at"] = when(a.due_at)
        assignments[a.key] = course.create_assignment(assignment=fields).id
    objects = 1 + len(groups) + len(pages) + len(assignments)
    for m in want.modules:
        module = course.create_module(module={"name": m.name})
        objects += 1
        for i in m.items:
            item: dict[str, Any] = {"type": i.type, "title": i.title, "indent": i.indent}
            if i.type == "Page" and i.content_key:
                item["page_url"] = pages[i.content_key]
            elif i.type == "Assignment" and i.content_key:
                item["content_id"] = assignments[i.content_key]
            elif i.type == "ExternalTool":
                item.update(content_id=tool.id, external_url=i.external_url)
            module.create_module_item(module_item=item)
            objects += 1
        module.edit(module={"published": True})
    return Measured(calls["read"], calls["write"], time.perf_counter() - started, objects)


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians are printed")
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=serve_sandbox, args=(args.latency_ms, child), daemon=True)
    proc.start()
    base_url = parent.recv()
    syncs: list[Measured] = []
    scripts: list[Measured] = []
    reruns: list[Measured] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(args.repeat):
                scripts.append(run_sequential_script(base_url, f"script-{n}"))
                db_dir = Path(tmp) / f"run-{n}"
                db_dir.mkdir()
                first, rerun = run_sync(base_url, args.concurrency, f"sync-{n}", db_dir)
                syncs.append(first)
                reruns.append(rerun)
    finally:
        parent.send("stop")
        proc.join(timeout=10)

    def med(runs: list[Measured], field: str) -> float:
        return float(statistics.median(getattr(r, field) for r in runs))

    sync_s, script_s = med(syncs, "seconds"), med(scripts, "seconds")
    print(
        f"Sandbox Canvas in its own process, {args.latency_ms:g} ms per API request; "
        f"sync concurrency {args.concurrency}; median of {args.repeat} run(s)."
    )
    print()
    print(f"{'':28}{'reads':>7}{'writes':>8}{'objects':>9}{'wall s':>9}")
    for name, runs in (
        ("sequential canvasapi script", scripts),
        ("canvas_sync (fresh course)", syncs),
        ("canvas_sync (re-run)", reruns),
    ):
        print(
            f"{name:28}{med(runs, 'reads'):>7.0f}{med(runs, 'writes'):>8.0f}"
            f"{med(runs, 'objects'):>9.0f}{med(runs, 'seconds'):>9.2f}"
        )
    print()
    made = med(syncs, "objects")
    modules = len(example_desired().modules)
    print(
        f"sync writes = {med(syncs, 'writes'):.0f} = {made:.0f} objects created + {modules} module "
        "publishes (Canvas creates modules unpublished; the script makes the same publishes)"
    )
    print(
        f"wall time ratio sync / script = {sync_s / script_s:.3f} (target <= 0.25); "
        f"speed-up {script_s / sync_s:.1f}x"
    )
    print(
        f"re-run: {med(reruns, 'reads'):.0f} reads, {med(reruns, 'writes'):.0f} writes "
        "(target <= 10 reads, 0 writes)"
    )


if __name__ == "__main__":
    main()
