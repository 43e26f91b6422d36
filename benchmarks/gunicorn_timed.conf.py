"""The production gunicorn settings plus a CPU-time line per request, for ``launch.py``.

Each sync worker serves one request at a time, so the worker's CPU time between
``pre_request`` and ``post_request`` is that request's (including writing the response and the
access log line). Lines go to ``$CTOM_BENCH_CPU_LOG``: ``METHOD PATH MICROSECONDS``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

_production = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_production.read_text(), str(_production), "exec"))

_cpu_log_path = os.environ["CTOM_BENCH_CPU_LOG"]
_cpu_log: Any = None


def post_fork(server: Any, worker: Any) -> None:
    global _cpu_log  # noqa: PLW0603 - one log file per worker process
    _cpu_log = open(_cpu_log_path, "a", buffering=1)  # noqa: SIM115 - open for the worker's life


def pre_request(worker: Any, req: Any) -> None:
    req.ctom_cpu = time.process_time()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    spent = time.process_time() - req.ctom_cpu
    _cpu_log.write(f"{req.method} {req.path} {round(spent * 1_000_000)}\n")
