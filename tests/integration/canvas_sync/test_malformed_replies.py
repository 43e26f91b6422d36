"""A Canvas answer that is JSON but has no id becomes our error, never a ``TypeError``.

The server is a stand-in on loopback that answers every request with objects missing their
ids, as a misconfigured proxy or a service that is not Canvas might.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, jsonify

from ctom_lti.canvas import RetryPolicy, make_canvas_gateway
from ctom_lti.canvas.dto import CourseFields
from ctom_lti.canvas.errors import CanvasError
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.serving import ServerThread


@pytest.fixture
def gateway() -> Iterator[CanvasGateway]:
    app = Flask("idless_canvas")

    @app.route("/api/v1/<path:path>", methods=["GET", "POST", "PUT"])
    def idless(path: str) -> Any:
        if path.endswith("/modules") or path.endswith("/enrollments"):
            return jsonify([{"name": "no id here", "items": []}])
        return jsonify({"name": "no id here", "id": None})

    with ServerThread(app) as server:
        yield make_canvas_gateway(server.base_url, "1~token", retry_policy=RetryPolicy(attempts=1))


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("GET accounts/:id", lambda gw: gw.get_account(1)),
        ("GET users/sis_user_id:X", lambda gw: gw.find_user_by_sis("cand-001")),
        ("POST accounts/:id/courses", lambda gw: gw.create_course(1, CourseFields("C", "C"))),
        ("GET courses/:id/modules", lambda gw: gw.list_modules(7)),
        ("GET courses/:id/enrollments", lambda gw: gw.list_enrollments(7, ["StudentEnrollment"])),
    ],
)
def test_a_reply_without_an_id_is_a_canvas_error(
    gateway: CanvasGateway, endpoint: str, call: Callable[[CanvasGateway], Any]
) -> None:
    with pytest.raises(CanvasError) as caught:
        call(gateway)
    assert caught.value.endpoint == endpoint
    assert "without a usable 'id'" in caught.value.message
    assert "Canvas URL" in (caught.value.hint or "")
