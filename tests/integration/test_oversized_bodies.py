"""A body over the size limit gets the 413 page over a real connection, not a connection reset."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

_ROOT = Path(__file__).resolve().parents[2]
_LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The tool under gunicorn with the production settings, on a free loopback port."""
    instance = tmp_path_factory.mktemp("gunicorn-instance")
    env = {
        **os.environ,
        "GUNICORN_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": os.devnull,
        "CTOM_DATABASE_URL": database_url,
        "CTOM_INSTANCE_PATH": str(instance),
        "CTOM_SECRET_KEY": "test-secret-key-not-for-production",
        "CTOM_MAX_CONTENT_LENGTH": str(_LIMIT),
        "CTOM_INSECURE_TRANSPORT": "1",
    }
    if os.environ.get("CTOM_TEST_REDIS_URL"):
        env["CTOM_REDIS_URL"] = os.environ["CTOM_TEST_REDIS_URL"]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(_ROOT / "gunicorn.conf.py")],
        cwd=_ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        port = None
        # The app is built before gunicorn listens (preload_app), which on a busy machine takes
        # a while; once it listens, its worker answers at once.
        deadline = time.monotonic() + 120
        while port is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            port = int(match.group(1)) if match else None
        assert port is not None, "gunicorn did not start"
        threading.Thread(target=process.stderr.read, daemon=True).start()  # keep it drained
        yield Server(port)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class Server:
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _post_like_a_browser(server: Server, size: int) -> tuple[int, str, str]:
    """POST a form of ``size`` bytes the way a browser on a network does: in pieces over time,
    reading the answer only once the whole body is sent. Returns (status, Connection, page)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("POST", "/lti/launch")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        body = b"state=s&id_token=" + b"x" * (size - 17)
        for start in range(0, size, 64 * 1024):
            connection.send(body[start : start + 64 * 1024])
            time.sleep(0.002)
        response = connection.getresponse()
        page = response.read().decode()
        return response.status, response.getheader("Connection", ""), page
    finally:
        connection.close()


@pytest.mark.parametrize("size", [300 * 1024, 3 * 1024 * 1024])
def test_an_oversized_form_gets_the_413_page(server: Server, size: int) -> None:
    for _ in range(3):  # a reset depends on timing: it must never happen
        status, connection, page = _post_like_a_browser(server, size)
        assert status == 413
        assert "too large" in page and "What to do" in page
        assert connection.lower() == "close"


def test_an_oversized_multipart_upload_gets_the_413_page(server: Server) -> None:
    files = {"file": ("big.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024), "application/pdf")}
    response = requests.post(server.base_url + "/lti/launch", files=files, timeout=10)
    assert response.status_code == 413
    assert "too large" in response.text


def test_a_chunked_oversized_body_gets_the_413_page(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"state=s&id_token="
        for _ in range(40):
            yield b"x" * (32 * 1024)

    response = requests.post(
        server.base_url + "/lti/launch",
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert response.status_code == 413
    assert "too large" in response.text


def test_a_small_chunked_form_is_read_whole(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"iss=https%3A%2F%2Fcanvas.test.example"
        yield b"&client_id=1"

    response = requests.post(
        server.base_url + "/lti/login",
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert response.status_code == 400
    assert "missing login_hint" in response.text


def test_a_body_beyond_the_drain_bound_does_not_hold_the_worker(server: Server) -> None:
    """The tool does not read an endless body: past the bound it closes the connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    declared = 512 * 1024 * 1024
    connection.putrequest("POST", "/lti/launch")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(declared))
    connection.endheaders()
    sent = 0
    try:
        while sent < 64 * 1024 * 1024:
            connection.send(b"x" * (1024 * 1024))
            sent += 1024 * 1024
    except (TimeoutError, BrokenPipeError, ConnectionResetError):
        pass
    connection.close()
    assert sent < 64 * 1024 * 1024  # it stopped reading long before
    # The only worker is free again for the next person.
    assert requests.get(server.base_url + "/lti/jwks", timeout=5).status_code == 200
