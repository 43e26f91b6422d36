"""Fixtures for code tested against the sandbox Canvas over real HTTP.

One sandbox server runs for the whole test session; ``sandbox`` gives each test a fresh store
(new ids, the same admin token), default knobs and an empty request log, which costs
microseconds. ``canvas`` is canvasapi pointed at it with the account-admin token; ``api`` sends
raw requests for checks canvasapi hides (headers, bodies, status codes).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from canvasapi import Canvas

from ctom_lti.sandbox.server import SandboxServer

ADMIN_TOKEN = "1~sandbox-test-admin-token"


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(admin_token=ADMIN_TOKEN, fault_seed=1234) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The running sandbox with fresh state for this test."""
    sandbox_server.reset()
    return sandbox_server


def make_canvas(base_url: str, token: str) -> Canvas:
    """canvasapi client; its warning about plain-HTTP URLs is expected on loopback."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Canvas may respond unexpectedly", UserWarning)
        return Canvas(base_url, token)


@pytest.fixture
def canvas(sandbox: SandboxServer) -> Canvas:
    return make_canvas(sandbox.base_url, sandbox.admin_token)


class Api:
    """Raw HTTP against ``/api/v1/`` with a bearer token (None sends no Authorization)."""

    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v1/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def as_user(self, token: str | None) -> Api:
        return Api(self.base_url, token)


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[Api]:
    client = Api(sandbox.base_url, sandbox.admin_token)
    yield client
    client.session.close()
