"""Redis stopped or frozen: a clear 503 page, answered quickly, and recovery without a restart.

Each test runs its own ``redis-server`` (on a free port) and the tool over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from ctom_lti.serving import ServerThread
from tests.failing_dependencies import RedisServer
from tests.http_launch import PATIENCE, launch_home, login, post_launch
from tests.lti_fixtures import Registered
from tests.lti_support import TestPlatform, http_browser


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path) as server:
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], redis_server: RedisServer) -> dict[str, Any]:
    return {**app_config, "REDIS_URL": redis_server.url}


@pytest.fixture
def tool(app: Flask, redis_server: RedisServer) -> Iterator[str]:
    server = ServerThread(app).start()
    app.config["BASE_URL"] = server.base_url
    yield server.base_url
    server.stop()
    # Leave Redis answering for the app's own clean-up, whatever the test did to it.
    redis_server.thaw()
    if redis_server.process is None:
        redis_server.start()


def assert_store_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:500]
    assert int(response.headers["Retry-After"]) > 0
    assert "session store" in response.text
    assert "Try again" in response.text
    assert "Traceback" not in response.text
    # Still the tool's own page, with its headers.
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Type"].startswith("text/html")


def test_redis_down_gives_a_503_page_and_the_tool_recovers_when_it_returns(
    tool: str, redis_server: RedisServer, registered: Registered, test_platform: TestPlatform
) -> None:
    browser = http_browser()
    home = launch_home(browser, tool, registered, test_platform)
    pending_login = login(browser, tool, registered)
    assert pending_login.status_code == 302

    redis_server.stop()
    # A page of an existing session, a new login and a launch whose login went through.
    assert_store_unavailable(browser.get(home, timeout=PATIENCE))
    assert_store_unavailable(login(browser, tool, registered))
    assert_store_unavailable(post_launch(browser, tool, registered, test_platform, pending_login))
    # Browsers asking for JSON get the same answer as JSON.
    api = browser.get(home, headers={"Accept": "application/json"}, timeout=PATIENCE)
    assert api.status_code == 503
    assert "session store" in api.json()["message"]

    redis_server.start()  # empty: the sessions it held are gone
    assert browser.get(home, timeout=PATIENCE).status_code == 401
    launch_home(http_browser(), tool, registered, test_platform)


def test_a_frozen_redis_is_answered_with_a_503_quickly_and_recovers(
    tool: str, redis_server: RedisServer, registered: Registered, test_platform: TestPlatform
) -> None:
    browser = http_browser()
    home = launch_home(browser, tool, registered, test_platform)

    redis_server.freeze()
    # The client gives up after PATIENCE seconds: a request held for 10 s fails here.
    assert_store_unavailable(browser.get(home, timeout=PATIENCE))
    assert_store_unavailable(login(browser, tool, registered))
    assert_store_unavailable(browser.get(home, timeout=PATIENCE))

    redis_server.thaw()
    # The same session works again, without restarting the tool.
    page = browser.get(home, timeout=PATIENCE)
    assert page.status_code == 200
    assert "Complete your programme profile" in page.text
    launch_home(http_browser(), tool, registered, test_platform)
