"""Production gunicorn settings: the access log never carries a launch token."""

from __future__ import annotations

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONFIG = Path(__file__).parents[3] / "gunicorn.conf.py"


def test_access_log_has_path_status_and_time_but_no_query_or_referer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = runpy.run_path(str(CONFIG))
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = settings["AccessLogger"](cfg)
    environ = {
        "REMOTE_ADDR": "10.0.0.7",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/c/4/profile",
        "QUERY_STRING": "lt=secret-launch-token",
        "RAW_URI": "/c/4/profile?lt=secret-launch-token",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://tool/c/4/?lt=secret-launch-token",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=1234)
    logger.access(response, None, environ, datetime.timedelta(microseconds=2500))
    [line] = capsys.readouterr().out.splitlines()
    assert '"GET /c/4/profile HTTP/1.1" 200 1234 2500us "Mozilla/5.0"' in line
    assert line.startswith("10.0.0.7 [")
    assert "secret" not in line
    assert settings["workers"] >= 2 and settings["timeout"] > 0
