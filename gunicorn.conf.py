"""Production gunicorn settings for ctom-lti: ``gunicorn -c gunicorn.conf.py``.

Every setting can be overridden from the environment (``WEB_CONCURRENCY``, ``PORT``, ...) or on
the command line. Run behind a TLS-terminating proxy with ``CTOM_PROXY_FIX=1`` and share launch
state between workers with ``CTOM_REDIS_URL``.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from gunicorn import glogging

wsgi_app = "ctom_lti:create_app()"
# Build the app once in the master, before it listens: each worker then forks ready to answer.
# Without this a worker imports and builds the app after the master already accepts connections,
# so the first requests to a new or recycled worker wait seconds (tens of seconds on a busy
# machine) and a client may give up before the page comes. Building the app opens no
# connections (ctom_lti.lti.runtime); post_fork below gives each worker a pool of its own.
preload_app = True

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Launch handling is CPU-bound and short; sync workers, about one per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so slow leaks cannot accumulate; jitter avoids all at once.
max_requests = 5000
max_requests_jitter = 500
# Workers touch a heartbeat file on every request; keep it in memory where that is cheap.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat only
# Only the proxy in front of us may set X-Forwarded-* (see CTOM_PROXY_FIX).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_field_size = 8190

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Equivalent to this format, written by AccessLogger below: the path only (%(U)s), never the
# query string, because links carry the launch token (?lt=...) when the browser blocks cookies
# and the login URL carries Canvas's hints; no Referer either. %(D)s is the request's time in
# microseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus "%(a)s"'


class AccessLogger(glogging.Logger):  # type: ignore[misc]
    """Writes ``access_log_format``'s fields directly.

    gunicorn's own access logging first builds a table of every request and response header for
    any format; on a launch that is a noticeable share of the request. This logger also has no
    way to write a query string or a Referer.
    """

    _stamp: tuple[int, str] = (0, "")

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        now = int(time.time())
        if self._stamp[0] != now:
            self._stamp = (now, time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(now)))
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        micros = request_time.seconds * 1_000_000 + request_time.microseconds
        self.access_log.info(
            '%s %s "%s %s %s" %s %s %sus "%s"',
            environ.get("REMOTE_ADDR", "-"),
            self._stamp[1],
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            environ.get("SERVER_PROTOCOL"),
            status,
            getattr(resp, "sent", "-"),
            micros,
            environ.get("HTTP_USER_AGENT", "-"),
        )


logger_class = AccessLogger


def post_fork(server: Any, worker: Any) -> None:
    """Drop database connections inherited from the master (none, unless a hook opened one).

    SQLAlchemy's advice for forked processes: ``close=False`` leaves the parent's connections
    alone and gives this worker an empty pool.
    """
    from ctom_lti.db import get_engine

    get_engine(worker.app.wsgi()).dispose(close=False)
