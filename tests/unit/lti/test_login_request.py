"""Reading a login initiation's parameters."""

from __future__ import annotations

import pytest

from ctom_lti.lti.launch_outcome import LaunchRefused
from ctom_lti.lti.login import LoginRequest

BASE = {"iss": "https://canvas.instructure.com", "login_hint": "abc", "client_id": "1"}


def test_canvas_sends_deployment_id_and_the_spec_says_lti_deployment_id() -> None:
    assert LoginRequest.from_params({**BASE, "deployment_id": "6:a"}).deployment_id == "6:a"
    assert LoginRequest.from_params({**BASE, "lti_deployment_id": "6:b"}).deployment_id == "6:b"
    assert LoginRequest.from_params(BASE).deployment_id is None


def test_missing_issuer_or_login_hint_is_named() -> None:
    with pytest.raises(LaunchRefused, match="missing iss and login_hint"):
        LoginRequest.from_params({"client_id": "1"})
    with pytest.raises(LaunchRefused, match="missing login_hint"):
        LoginRequest.from_params({"iss": "https://x"})


def test_storage_target_must_be_a_frame_name() -> None:
    assert (
        LoginRequest.from_params(
            {**BASE, "lti_storage_target": "post_message_forwarding"}
        ).storage_target
        == "post_message_forwarding"
    )
    assert (
        LoginRequest.from_params({**BASE, "lti_storage_target": "x');alert(1)//"}).storage_target
        is None
    )


def test_absurdly_long_parameter_is_refused() -> None:
    with pytest.raises(LaunchRefused, match="too long"):
        LoginRequest.from_params({**BASE, "lti_message_hint": "x" * 10000})
