"""Full LTI launches against the tool under gunicorn: failures, tool CPU and server time.

Runs the tool with ``gunicorn.conf.py`` (2 sync workers sharing Redis, and SQLite or
PostgreSQL), then drives third-party-initiated launches for a mix of roles from client threads:
login POST (as Canvas sends it, with ``lti_storage_target``) → the platform's authentication
step → id_token POST. The platform is a light signer in this process (its key set served on
loopback); its CPU is not counted. Tool CPU is the gunicorn workers' user+sys time from
``/proc`` before and after, divided by launches; server time comes from the access log (``%(D)s``).

    .venv/bin/python benchmarks/launch.py                      # SQLite + Redis
    .venv/bin/python benchmarks/launch.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python benchmarks/launch.py --launches 1000 --clients 4

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from ctom_lti import create_app  # noqa: E402
from ctom_lti.db import get_engine, session_scope  # noqa: E402
from ctom_lti.lti.keys import ensure_current_key  # noqa: E402
from ctom_lti.lti.registrations import RegistrationInput, add_platform, get_fernet  # noqa: E402
from ctom_lti.lti.runtime import get_runtime  # noqa: E402
from ctom_lti.migrate import upgrade  # noqa: E402
from tests.lti_support import (  # noqa: E402
    TestPlatform,
    http_browser,
    launch_claims,
    parse_login_response,
)

CLIENT_ID = "170000000000417"
DEPLOYMENT_ID = "5123:9c1e4b7a2d0f6e8a3b5c7d9e1f2a4b6c8d0e2f4a"
ROLES = ("candidate", "candidate", "candidate", "mentor", "custom_mentor", "instructor", "ta", "admin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def worker_cpu_seconds(pids: list[int]) -> float:
    """user + sys CPU of the given processes (their own, not their children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def gunicorn_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@dataclass
class Database:
    url: str
    label: str
    cleanup: Any = None


def make_database(server_url: str | None, workdir: Path) -> Database:
    if not server_url:
        return Database(f"sqlite:///{workdir / 'bench.sqlite3'}", "SQLite")
    admin = make_url(server_url)
    name = f"ctom_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    url = admin.set(database=name).render_as_string(hide_password=False)
    return Database(url, "PostgreSQL", drop)


@dataclass
class Results:
    failures: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Signer:
    """The platform side: answers the authentication request with a signed id_token."""

    def __init__(self, platform: TestPlatform, users: int) -> None:
        self.platform = platform
        self.people = [(ROLES[i % len(ROLES)], f"bench-user-{i:04d}") for i in range(users)]
        self.mentees = tuple(sub for role, sub in self.people if role == "candidate")[:3]

    def id_token(self, person: int, nonce: str) -> str:
        role, sub = self.people[person % len(self.people)]
        body = launch_claims(
            role,
            issuer=self.platform.issuer,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            nonce=nonce,
            sub=sub,
            mentees=self.mentees if role == "mentor" else (),
        )
        return self.platform.sign(body)


def one_launch(base: str, signer: Signer, person: int, browser: requests.Session) -> str | None:
    """Login → auth → launch; returns None on success or what went wrong."""
    login = browser.post(
        base + "/lti/login",
        data={
            "iss": signer.platform.issuer,
            "login_hint": f"hint-{person}",
            "client_id": CLIENT_ID,
            "deployment_id": DEPLOYMENT_ID,
            "target_link_uri": base + "/lti/launch",
            "lti_message_hint": "x" * 300,
            "canvas_environment": "prod",
            "canvas_region": "us-east-1",
            "lti_storage_target": "post_message_forwarding",
        },
        allow_redirects=False,
        timeout=30,
    )
    if login.status_code not in (200, 302):
        return f"login {login.status_code}"
    auth = parse_login_response(login.status_code, login.headers.get("Location"), login.text)
    launch = browser.post(
        base + "/lti/launch",
        data={
            "id_token": signer.id_token(person, auth.nonce),
            "state": auth.state,
            "lti_storage_target": "post_message_forwarding",
            "authenticity_token": secrets.token_hex(16),
        },
        allow_redirects=False,
        timeout=30,
    )
    if launch.status_code != 302:
        detail = re.search(r'class="error-message">([^<]*)<', launch.text)
        return f"launch {launch.status_code} {detail.group(1) if detail else ''}"
    return None


def drive(base: str, signer: Signer, launches: int, clients: int, first: int) -> Results:
    results = Results()
    jobs: queue.Queue[int] = queue.Queue()
    for i in range(launches):
        jobs.put(first + i)
    # One browser per simulated person, so cookies (and sessions) are per person.
    browsers: dict[int, requests.Session] = {}
    browsers_lock = threading.Lock()

    def browser_for(person: int) -> requests.Session:
        key = person % len(signer.people)
        with browsers_lock:
            if key not in browsers:
                browsers[key] = http_browser()
            return browsers[key]

    def work() -> None:
        while True:
            try:
                person = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                problem = one_launch(base, signer, person, browser_for(person))
            except requests.RequestException as exc:
                problem = f"error {exc}"
            with results.lock:
                results.done += 1
                if problem:
                    results.failures.append(problem)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def server_times(access_log: Path, skip: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"/lti/login": [], "/lti/launch": []}
    pattern = re.compile(r'"POST (/lti/login|/lti/launch) HTTP/[0-9.]+" \d+ \S+ (\d+)us')
    lines = access_log.read_text().splitlines()[skip:]
    for line in lines:
        match = pattern.search(line)
        if match:
            times[match.group(1)].append(int(match.group(2)) / 1000)
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--users", type=int, default=120, help="distinct people launching")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("CTOM_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ctom-bench-"))
    database = make_database(args.database_url, workdir)
    platform = TestPlatform().start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    instance = workdir / "instance"
    env_config = {
        "CTOM_DATABASE_URL": database.url,
        "CTOM_REDIS_URL": args.redis_url,
        "CTOM_INSTANCE_PATH": str(instance),
        "CTOM_BASE_URL": base,
        "CTOM_SECRET_KEY": secrets.token_hex(32),
        "CTOM_LOG_LEVEL": "WARNING",
    }
    redis.Redis.from_url(args.redis_url).flushdb()
    gunicorn = None
    try:
        app = create_app(
            {
                "DATABASE_URL": database.url,
                "REDIS_URL": args.redis_url,
                "INSTANCE_PATH": str(instance),
                "BASE_URL": base,
            }
        )
        upgrade(app)
        ensure_current_key(app)
        with session_scope(app) as session:
            add_platform(
                session,
                RegistrationInput(
                    issuer=platform.issuer,
                    client_id=CLIENT_ID,
                    auth_login_url=platform.auth_login_url,
                    auth_token_url=platform.token_url,
                    key_set_url=platform.jwks_url,
                    deployment_ids=(DEPLOYMENT_ID,),
                ),
                get_fernet(app),
            )
        get_runtime(app).registry.invalidate()
        get_engine(app).dispose()

        access_log = workdir / "access.log"
        env = {
            **os.environ,
            **env_config,
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(access_log),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/lti/jwks", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                print("gunicorn did not start", file=sys.stderr)
                return 2
            time.sleep(0.1)
        time.sleep(0.5)
        workers = gunicorn_workers(gunicorn.pid)

        signer = Signer(platform, args.users)
        # Warm-up: imports, template compilation, platform key fetch, first writes of each person.
        warm = drive(base, signer, max(args.warmup, args.users), args.clients, 0)
        log_skip = len(access_log.read_text().splitlines())
        cpu_before = worker_cpu_seconds(workers)
        started = time.perf_counter()
        run = drive(base, signer, args.launches, args.clients, 0)
        wall = time.perf_counter() - started
        cpu_after = worker_cpu_seconds(workers)
        time.sleep(0.3)  # let the access log flush
        times = server_times(access_log, log_skip)

        cpu_ms = (cpu_after - cpu_before) * 1000 / max(run.done, 1)
        print("ctom-lti launch benchmark")
        print(f"  tool: gunicorn, {len(workers)} sync workers, Redis {args.redis_url}, {database.label}")
        print("  platform: light signer in the client process (CPU not counted)")
        print(f"  launches: {run.done} measured ({warm.done} warm-up), {args.clients} client threads, "
              f"{len(signer.people)} people in roles {', '.join(sorted(set(ROLES)))}")
        print(f"  failures: {len(run.failures) + len(warm.failures)}")
        for problem in sorted(set(run.failures + warm.failures))[:5]:
            print(f"    e.g. {problem}")
        print(f"  wall time: {wall:.2f} s ({run.done / wall:.0f} launches/s, client and tool share 2 cores)")
        print(f"  tool CPU per full launch (login + launch): {cpu_ms:.2f} ms  [target <= 2.5 ms]")
        for path, label in (("/lti/login", "login"), ("/lti/launch", "launch")):
            values = times[path]
            if values:
                print(f"  server time {label:6}: median {statistics.median(values):.2f} ms, "
                      f"p95 {pct(values, 0.95):.2f} ms ({len(values)} requests)")
        if times["/lti/login"] and times["/lti/launch"]:
            both = [a + b for a, b in zip(times["/lti/login"], times["/lti/launch"], strict=False)]
            print(f"  server time per full launch: median {statistics.median(both):.2f} ms, "
                  f"p95 {pct(both, 0.95):.2f} ms")
        return 1 if run.failures or warm.failures else 0
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        platform.stop()
        if database.cleanup:
            database.cleanup()
        redis.Redis.from_url(args.redis_url).flushdb()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
