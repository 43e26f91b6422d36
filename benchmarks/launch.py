"""What a person waits for when they open the tool: login + launch + the landing page.

Runs the tool under gunicorn (``gunicorn.conf.py``, sync workers, Redis, SQLite or PostgreSQL)
and an LTI platform (``launch_platforms.py``: the sandbox Canvas in its own process, or a light
signer), then measures two kinds of launch, each with a fresh browser as Canvas's iframe has:

- **first launches**: every person is new to the tool (their person, membership and fingerprint
  are written);
- **returning launches**: the same people again, ``--rounds`` times each.

For every step — the login POST and the launch POST, which answers with the landing page itself
(a landing page reached by a redirect would be a third step, and is shown when there is one) —
it prints the server time (gunicorn's ``%(D)s``) and the worker's CPU time for that request
(``benchmarks/gunicorn_timed.conf.py``), medians and 95th percentiles, and the sum of the
step medians for a full launch, next to the targets. A warm-up (other people, first and
returning) comes first and is not counted. The platform's own work is never counted.

The targets were set as absolute times on a machine where the pylti1p3 reference example took
4.9 ms per launch. Machines (and a shared machine from one minute to the next) differ more than
that, so with the signer the reference example (``launch_reference.py``) is then served by the
same gunicorn settings, launched as many times by the same people, and the tool's figures are
printed as multiples of its speed next to the targets' (2 and 1.4 times as fast).
``--profile DIR`` writes a cProfile per phase and step (those figures are slowed by it).

    .venv/bin/python benchmarks/launch.py --platform signer            # SQLite + Redis
    .venv/bin/python benchmarks/launch.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python benchmarks/launch.py --platform sandbox --people 100 --rounds 2

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import requests  # noqa: E402

from benchmarks.databases import make_database  # noqa: E402
from benchmarks.launch_figures import (  # noqa: E402
    TARGETS,
    TOOL_STEPS,
    Logs,
    Phase,
    compare,
    merge,
    report,
    tool_step,
)
from benchmarks.launch_platforms import (  # noqa: E402
    ROLES,
    LaunchFailed,
    Platform,
    SandboxPlatform,
    SignerPlatform,
    register_platform,
)
from benchmarks.launch_reference import (  # noqa: E402
    CONFIG_ENV,
    ReferenceClient,
    write_config,
)
from benchmarks.launch_reference import STEPS as REFERENCE_STEPS  # noqa: E402
from benchmarks.launch_reference import step_of as ref_step  # noqa: E402
from ctom_lti import create_app  # noqa: E402
from ctom_lti.lti.keys import ensure_current_key  # noqa: E402
from ctom_lti.migrate import upgrade  # noqa: E402
from ctom_lti.serving import ServerThread  # noqa: E402
from tests.lti_support import http_browser  # noqa: E402


class Launcher(Protocol):
    def launch(self, tool_base: str, person: int, browser: requests.Session) -> str:
        """One login + launch; returns the address of a landing page still to be fetched ("" when
        the launch answered with it)."""
        ...


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def worker_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of the given processes (their own, not their children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)
    return total / ticks


def gunicorn_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@dataclass
class Driven:
    launches: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def drive(
    tool_base: str, platform: Launcher, people: Sequence[int], clients: int, phase: str = "warm-up"
) -> Driven:
    """One full launch per entry of ``people`` (fresh browser each), from ``clients`` threads.

    Every request names ``phase`` in a header, for the profiles ``--profile`` writes."""
    driven = Driven()
    jobs: queue.SimpleQueue[int] = queue.SimpleQueue()
    for person in people:
        jobs.put(person)

    def work() -> None:
        while True:
            try:
                person = jobs.get_nowait()
            except queue.Empty:
                return
            browser = http_browser()
            browser.headers["X-Bench-Phase"] = phase
            problem = None
            try:
                landing = platform.launch(tool_base, person, browser)
                if landing:
                    page = browser.get(tool_base + landing, timeout=30)
                    if page.status_code != 200:
                        problem = f"landing page {page.status_code}"
            except (LaunchFailed, requests.RequestException) as exc:
                problem = str(exc)
            with driven.lock:
                driven.launches += 1
                if problem:
                    driven.failures.append(problem)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return driven


@dataclass
class Served:
    """A server under measurement and what launches it."""

    base: str
    launcher: Launcher
    logs: Logs
    workers: list[int]


def run_phase(name: str, served: Served, people: Sequence[int], clients: int) -> Phase:
    served.logs.mark()
    cpu_before = worker_cpu(served.workers)
    started = time.perf_counter()
    driven = drive(served.base, served.launcher, people, clients, name)
    wall = time.perf_counter() - started
    cpu_ms = (worker_cpu(served.workers) - cpu_before) * 1000 / max(driven.launches, 1)
    server, cpu = served.logs.since_mark()
    return Phase(name, driven.launches, driven.failures, server, cpu, cpu_ms, wall)


def run_interleaved(
    name: str,
    tool: Served,
    reference: Served | None,
    people: Sequence[int],
    args: argparse.Namespace,
) -> tuple[Phase, Phase | None]:
    """The tool's launches of ``people`` in ``--blocks`` blocks, each followed by as many
    launches of the reference example: on a shared machine the load changes from one minute to
    the next, and the comparison must not depend on which of the two met the busier one."""
    size = -(-len(people) // args.blocks)
    tool_parts, reference_parts = [], []
    for start in range(0, len(people), size):
        block = people[start : start + size]
        tool_parts.append(run_phase(name, tool, block, args.clients))
        if reference is not None:
            reference_parts.append(run_phase("reference", reference, block, args.clients))
    return merge(tool_parts), merge(reference_parts) if reference_parts else None


def start_gunicorn(
    env: dict[str, str], base: str, *, app: str | None = None, ready: str = "/lti/jwks"
) -> subprocess.Popen[bytes]:
    """gunicorn with the production settings (and per-request CPU lines), serving ``app``
    (the tool by default); its own output is dropped (the reference example prints every
    launch)."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "benchmarks" / "gunicorn_timed.conf.py"),
            *([app] if app else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL if app else None,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            # Any answer but an error: the reference example has no page of its own to ask for.
            if requests.get(base + ready, timeout=1).status_code < 500:
                time.sleep(0.5)  # let the other workers finish booting
                return process
        except requests.RequestException:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def stop_gunicorn(process: subprocess.Popen[bytes] | None) -> None:
    if process is None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def server_env(args: argparse.Namespace, port: int, logs: Logs) -> dict[str, str]:
    """What both servers (the tool's and the reference's) run with."""
    env = {
        **os.environ,
        "CTOM_BENCH_CPU_LOG": str(logs.cpu),
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(logs.access),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        env["CTOM_BENCH_PROFILE"] = str(args.profile.resolve())
    return env


def start_reference(
    args: argparse.Namespace, workdir: Path, platform: SignerPlatform
) -> tuple[Served, subprocess.Popen[bytes]]:
    """The pylti1p3 reference example under the same gunicorn settings, warmed up as long as
    the tool, launched by ``platform``'s people."""
    port = free_port()
    base = f"http://localhost:{port}"
    logs = Logs(workdir / "ref-access.log", workdir / "ref-cpu.log", REFERENCE_STEPS, ref_step)
    env = {**server_env(args, port, logs), CONFIG_ENV: str(write_config(workdir, platform))}
    gunicorn = start_gunicorn(env, base, app="benchmarks.launch_reference:create_app()", ready="/")
    client = ReferenceClient(platform)
    warm = list(range(args.warmup))
    drive(base, client, warm + warm, args.clients)
    return Served(base, client, logs, gunicorn_workers(gunicorn.pid)), gunicorn


def run(args: argparse.Namespace, platform_name: str) -> int:
    """One benchmark run with the given platform; prints its figures, returns failures."""
    workdir = Path(tempfile.mkdtemp(prefix="ctom-bench-"))
    database = make_database(args.database_url, workdir)
    everyone = args.warmup + args.people
    platform: Platform = (
        SandboxPlatform(everyone) if platform_name == "sandbox" else SignerPlatform(everyone)
    )
    port = free_port()
    base = f"http://localhost:{port}"  # another site than the platform's 127.0.0.1
    config = {
        "DATABASE_URL": database.url,
        "REDIS_URL": args.redis_url,
        "INSTANCE_PATH": str(workdir / "instance"),
        "BASE_URL": base,
    }
    redis.Redis.from_url(args.redis_url).flushdb()
    gunicorn = None
    reference_gunicorn = None
    tool_config_server = None
    try:
        # The sandbox reads /lti/config.json when the developer key is created ("Enter URL"),
        # so the tool answers on its port while the platform is set up.
        app = create_app(config)
        upgrade(app)
        ensure_current_key(app)
        tool_config_server = ServerThread(app, host="localhost", port=port).start()
        registration = platform.register(base)
        tool_config_server.stop()
        tool_config_server = None
        register_platform(app, registration)

        logs = Logs(workdir / "access.log", workdir / "cpu.log", TOOL_STEPS, tool_step)
        env = {
            **server_env(args, port, logs),
            **{f"CTOM_{name}": value for name, value in config.items()},
            "CTOM_SECRET_KEY": secrets.token_hex(32),
            "CTOM_LOG_LEVEL": "WARNING",
        }
        gunicorn = start_gunicorn(env, base)
        workers = gunicorn_workers(gunicorn.pid)

        # Warm-up, not counted: imports, the platform key set, templates, both launch paths.
        warm = list(range(args.warmup))
        warmed = drive(base, platform, warm + warm, args.clients)
        tool = Served(base, platform, logs, workers)
        reference = None
        if args.reference and isinstance(platform, SignerPlatform):
            reference, reference_gunicorn = start_reference(args, workdir, platform)
        newcomers = list(range(args.warmup, everyone))
        first, ref_first = run_interleaved("first", tool, reference, newcomers, args)
        returning, ref_returning = run_interleaved(
            "returning", tool, reference, newcomers * args.rounds, args
        )

        print(f"ctom-lti launch benchmark ({platform_name})")
        print(f"  tool: gunicorn, {len(workers)} sync worker(s), Redis, {database.label}")
        print(f"  platform: {platform.label}")
        print(
            f"  {args.people} people ({', '.join(sorted(set(ROLES)))} in turn), a fresh browser "
            f"per launch, {args.clients} client thread(s), after {warmed.launches} warm-up "
            f"launches of {args.warmup} others"
        )
        report(first, TARGETS["first"])
        report(returning, TARGETS["returning"])
        failures = warmed.failures + first.failures + returning.failures
        if ref_first is not None and ref_returning is not None:
            print(f"  {ReferenceClient.label}, after each block of the tool's launches:")
            both = merge([ref_first, ref_returning])
            report(both, None)
            compare([(first, ref_first), (returning, ref_returning)])
            failures += both.failures
        elif args.reference:
            print("  (the reference example is measured with --platform signer)")
        for problem in sorted(set(failures))[:5]:
            print(f"    e.g. {problem}")
        return len(failures)
    finally:
        if tool_config_server is not None:
            tool_config_server.stop()
        stop_gunicorn(gunicorn)
        stop_gunicorn(reference_gunicorn)
        platform.stop()
        if database.cleanup:
            database.cleanup()
        redis.Redis.from_url(args.redis_url).flushdb()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200, help="people launching (all new)")
    parser.add_argument("--rounds", type=int, default=3, help="returning launches per person")
    parser.add_argument("--warmup", type=int, default=40, help="other people, launched twice")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument("--platform", choices=("sandbox", "signer", "both"), default="signer")
    parser.add_argument("--database-url", default=os.environ.get("CTOM_BENCH_DATABASE_URL"))
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("CTOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="a Redis database the benchmark may empty",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write a cProfile of every phase and step to DIR (<phase>-<step>-<pid>.pstats); "
        "profiling slows the tool, so that run's figures are not its own",
    )
    parser.add_argument(
        "--no-reference",
        dest="reference",
        action="store_false",
        help="skip the pylti1p3 reference example (measured after the tool, with the signer)",
    )
    parser.add_argument(
        "--blocks",
        type=int,
        default=5,
        help="blocks each phase is split into, the reference example launched after each",
    )
    args = parser.parse_args()
    names = ("sandbox", "signer") if args.platform == "both" else (args.platform,)
    failures = 0
    for name in names:
        failures += run(args, name)
        print()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
