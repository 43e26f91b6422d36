"""The production gunicorn settings plus a CPU-time line per request, for ``launch.py``.

Each sync worker serves one request at a time, so the worker's CPU time between
``pre_request`` and ``post_request`` is that request's (including writing the response and the
access log line). Lines go to ``$CTOM_BENCH_CPU_LOG``: ``METHOD PATH MICROSECONDS``.

With ``$CTOM_BENCH_PROFILE`` set to a directory, each request is also profiled (cProfile), one
profile per phase and step (the phase comes in the ``X-Bench-Phase`` header the benchmark
sends), written there as ``<phase>-<step>.pstats`` when the worker exits. Profiling slows every
request, so the figures of such a run are not the tool's.
"""

from __future__ import annotations

import cProfile
import os
import re
import time
from pathlib import Path
from typing import Any

_production = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_production.read_text(), str(_production), "exec"))
_production_post_fork = globals()["post_fork"]  # defined by the production settings above
# A worker recycled mid-run would take its CPU time with it (the benchmark reads it from /proc
# by pid): a benchmark worker lives for the whole run.
max_requests = 0
max_requests_jitter = 0

_cpu_log_path = os.environ["CTOM_BENCH_CPU_LOG"]
_cpu_log: Any = None
_profile_dir = os.environ.get("CTOM_BENCH_PROFILE")
_profiles: dict[str, cProfile.Profile] = {}


def _profile_name(req: Any) -> str | None:
    phase = next((value for name, value in req.headers if name == "X-BENCH-PHASE"), None)
    if phase is None or not re.fullmatch(r"[a-z-]{1,20}", phase):
        return None
    if req.method == "POST" and req.path == "/lti/login":
        return f"{phase}-login"
    if req.method == "POST" and req.path == "/lti/launch":
        return f"{phase}-launch"
    if req.method == "GET" and re.fullmatch(r"/c/\d+/.*", req.path):
        return f"{phase}-landing"
    return None


def post_fork(server: Any, worker: Any) -> None:
    global _cpu_log  # noqa: PLW0603 - one log file per worker process
    # The production hook disposes of the tool's engine; the reference example has none.
    if "ctom.engine" in getattr(worker.app.wsgi(), "extensions", {}):
        _production_post_fork(server, worker)
    _cpu_log = open(_cpu_log_path, "a", buffering=1)  # noqa: SIM115 - open for the worker's life


def pre_request(worker: Any, req: Any) -> None:
    req.ctom_profile = None
    if _profile_dir:
        name = _profile_name(req)
        if name is not None:
            req.ctom_profile = _profiles.setdefault(name, cProfile.Profile())
            req.ctom_profile.enable()
    req.ctom_cpu = time.process_time()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    spent = time.process_time() - req.ctom_cpu
    if req.ctom_profile is not None:
        req.ctom_profile.disable()
    _cpu_log.write(f"{req.method} {req.path} {round(spent * 1_000_000)}\n")


def worker_exit(server: Any, worker: Any) -> None:
    if _profile_dir:
        for name, profile in _profiles.items():
            profile.dump_stats(str(Path(_profile_dir) / f"{name}-{os.getpid()}.pstats"))
