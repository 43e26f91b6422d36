"""A Canvas that stalls: every request of the gateway ends at its total deadline.

The servers read the request (or, for ``https``, the TLS client hello) and then never answer or
answer one byte every 0.2 s, so neither the connect nor the read timeout (30 s here) ever fires.
Each server gives up after 15 s; a request the deadline did not end shows as a connection the
server, not the gateway, closed.
"""

from __future__ import annotations

import pytest

from ctom_lti.canvas import RetryPolicy, make_canvas_gateway
from ctom_lti.canvas.errors import CanvasUnavailable
from tests.failing_dependencies import MisbehavingHttpServer


@pytest.mark.parametrize(
    ("mode", "tls", "by_name"),
    [
        pytest.param("silent", False, False, id="silent"),
        pytest.param("trickle", False, False, id="trickle"),
        pytest.param("silent", True, False, id="tls-handshake-silent"),
        pytest.param("trickle", True, False, id="tls-handshake-trickle"),
        # A host name is looked up under the deadline too (in a helper thread).
        pytest.param("trickle", True, True, id="tls-handshake-trickle-by-name"),
    ],
)
def test_a_stalled_canvas_request_ends_at_the_deadline(mode: str, tls: bool, by_name: bool) -> None:
    with MisbehavingHttpServer(mode, tls=tls, give_up=15) as canvas:
        url = canvas.base_url.replace("127.0.0.1", "localhost") if by_name else canvas.base_url
        gateway = make_canvas_gateway(
            url,
            "1~token",
            timeout=(30.0, 30.0),
            deadline=1.0,
            retry_policy=RetryPolicy(attempts=1),
        )
        with pytest.raises(CanvasUnavailable, match=r"did not answer GET .* in time"):
            gateway.get_course(1)
        canvas.wait_for_connections()
        assert canvas.requests == 1
        assert canvas.hung_up == 1  # the gateway ended the request, not the server
