"""Production gunicorn settings for ctom-lti: ``gunicorn -c gunicorn.conf.py``.

Every setting can be overridden from the environment (``WEB_CONCURRENCY``, ``PORT``, ...) or on
the command line. Run behind a TLS-terminating proxy with ``CTOM_PROXY_FIX=1`` and share launch
state between workers with ``CTOM_REDIS_URL``.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "ctom_lti:create_app()"

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
# The path only (%(U)s), never the query string: links carry the launch token (?lt=...) when the
# browser blocks cookies, and the login URL carries Canvas's hints. No Referer either. %(D)s is
# the time spent on the request in microseconds.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus "%(a)s"'
