"""A platform that answers too slowly: every outbound call ends at its total deadline.

The servers here read the request (or, for ``https``, the TLS client hello) and then never
answer, or answer one byte every 0.2 s, so a per-read or connect timeout alone never fires. The
deadline is set to 1 s to keep the tests short; each server gives up after 15 s, so a call that
the deadline did not end shows as a connection the server, not the tool, closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from ctom_lti.lti import claims
from ctom_lti.lti.access import SessionLaunch
from ctom_lti.lti.http import DeadlineExceeded
from ctom_lti.lti.keys import ensure_current_key
from ctom_lti.lti.services import ags_for, nrps_for
from ctom_lti.models import Role
from ctom_lti.serving import ServerThread
from tests.failing_dependencies import MisbehavingHttpServer
from tests.http_launch import launch_home, login, post_launch
from tests.lti_fixtures import register, stored_counts
from tests.lti_support import TestPlatform, http_browser

DEADLINE = 1.0


@dataclass
class SlowPlatform(TestPlatform):
    """A test platform whose key set (or token endpoint) lives on a misbehaving server."""

    slow_url: str = ""
    slow_keys: bool = True
    __test__ = False

    @property
    def jwks_url(self) -> str:
        return self.slow_url + "/jwks" if self.slow_keys else super().jwks_url

    @property
    def token_url(self) -> str:
        return self.slow_url + "/login/oauth2/token"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Connects and reads may wait longer than the deadline: only the deadline can end a stall.
    return {
        **app_config,
        "LTI_HTTP_DEADLINE": DEADLINE,
        "LTI_HTTP_CONNECT_TIMEOUT": 30.0,
        "LTI_HTTP_READ_TIMEOUT": 30.0,
    }


@pytest.fixture
def tool(app: Flask) -> Iterator[str]:
    server = ServerThread(app).start()
    app.config["BASE_URL"] = server.base_url
    yield server.base_url
    server.stop()


MODES = [
    pytest.param("silent", False, id="silent"),
    pytest.param("trickle", False, id="trickle"),
    pytest.param("silent", True, id="tls-handshake-silent"),
    pytest.param("trickle", True, id="tls-handshake-trickle"),
]


@pytest.mark.parametrize(("mode", "tls"), MODES)
def test_a_key_set_that_does_not_answer_in_time_refuses_the_launch_at_the_deadline(
    app: Flask, tool: str, test_platform: TestPlatform, mode: str, tls: bool
) -> None:
    with MisbehavingHttpServer(mode, tls=tls, give_up=15) as keys:
        platform = SlowPlatform(
            issuer="https://slow.example", keys=test_platform.keys, slow_url=keys.base_url
        )
        platform.current_kid = test_platform.current_kid
        reg = register(app, platform)
        browser = http_browser()
        first = login(browser, tool, reg)
        assert first.status_code == 302
        # The client waits PATIENCE seconds at most: a launch held for 10 s or more fails here.
        launched = post_launch(browser, tool, reg, platform, first)
        keys.wait_for_connections()
        assert keys.requests == 1
        assert keys.hung_up == 1  # the tool ended the call, not the server
    assert launched.status_code == 400
    assert "This launch could not be accepted" in launched.text
    assert "did not send its public keys in time" in launched.text
    assert stored_counts(app)["people"] == 0
    # The tool is free for everyone else at once.
    launch_home(http_browser(), tool, register(app, test_platform), test_platform)


@pytest.mark.parametrize(("mode", "tls"), MODES)
def test_service_calls_end_at_the_deadline(
    app: Flask, test_platform: TestPlatform, mode: str, tls: bool
) -> None:
    ensure_current_key(app)
    with MisbehavingHttpServer(mode, tls=tls, give_up=15) as canvas:
        platform = SlowPlatform(keys=test_platform.keys, slow_url=canvas.base_url)
        reg = register(app, platform)
        launch = SessionLaunch(
            person_id=1,
            cohort_id=1,
            platform_id=reg.platform_id,
            sub="s",
            deployment_id=reg.deployment_id,
            roles=frozenset({Role.INSTRUCTOR}),
            mentee_subs=(),
            display_name="I",
            cohort_title="C",
            message_type=claims.RESOURCE_LINK_REQUEST,
            services={
                "nrps": canvas.base_url + "/api/lti/courses/1/names_and_roles",
                "lineitems": canvas.base_url + "/api/lti/courses/1/line_items",
            },
        )
        with app.app_context():
            with pytest.raises(DeadlineExceeded):
                list(nrps_for(app, launch).get_members())
            with pytest.raises(DeadlineExceeded):
                list(ags_for(app, launch).get_lineitems())
        # Each call reached the platform's token endpoint and was cut off there.
        canvas.wait_for_connections()
        assert canvas.requests == 2
        assert canvas.hung_up == 2
