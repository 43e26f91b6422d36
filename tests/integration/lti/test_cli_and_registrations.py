"""`ctom-lti platform ...` and `ctom-lti keys ...`, and what they change for running workers."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from ctom_lti import create_app
from ctom_lti.cli import main
from ctom_lti.db import session_scope
from ctom_lti.lti.registrations import canvas_credentials, get_fernet
from ctom_lti.models import AuditEvent, Platform
from tests.lti_fixtures import CLIENT_ID, DEPLOYMENT_ID, LaunchActions
from tests.lti_support import TestPlatform

TOKEN = "7~s3cr3t-canvas-token-value"


def cli(
    app: Flask, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return app.test_cli_runner().invoke(main, list(args), input=input, env=env)


def add_args(platform: TestPlatform, client_id: str = CLIENT_ID, *extra: str) -> list[str]:
    return [
        "platform",
        "add",
        "--issuer",
        platform.issuer,
        "--client-id",
        client_id,
        "--auth-login-url",
        platform.auth_login_url,
        "--auth-token-url",
        platform.token_url,
        "--key-set-url",
        platform.jwks_url,
        *extra,
    ]


def test_platform_add_stores_the_token_encrypted_and_never_prints_it(
    app: Flask, test_platform: TestPlatform
) -> None:
    result = cli(
        app,
        *add_args(
            test_platform,
            CLIENT_ID,
            "--deployment-id",
            "1:a",
            "--deployment-id",
            "2:b",
            "--canvas-url",
            "https://school.instructure.com/",
            "--name",
            "Kern County",
        ),
        input=TOKEN + "\n",
    )
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    assert "Registered platform #" in result.output
    assert "Added deployment ids: 1:a, 2:b" in result.output
    assert "Redirect URI:    http://localhost/lti/launch" in result.output
    with session_scope(app) as s:
        platform = s.scalars(select(Platform)).one()
        assert platform.canvas_token_encrypted and TOKEN not in platform.canvas_token_encrypted
        assert canvas_credentials(s, platform.id, get_fernet(app)) == (
            "https://school.instructure.com",
            TOKEN,
        )
    listing = cli(app, "platform", "list")
    assert "client_id=170000000000417 (Kern County)" in listing.output
    assert "deployments: 1:a, 2:b" in listing.output
    assert "token stored" in listing.output and TOKEN not in listing.output
    # The generated encryption key lives in the instance folder, readable by its owner only.
    key_file = Path(app.instance_path) / "encryption_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_token_from_the_environment(app: Flask, test_platform: TestPlatform) -> None:
    result = cli(
        app,
        *add_args(test_platform, CLIENT_ID, "--canvas-url", "https://c.example"),
        env={"CTOM_CANVAS_TOKEN": TOKEN},
    )
    assert result.exit_code == 0
    assert "Stored the Canvas API token" in result.output
    assert TOKEN not in result.output


def test_add_again_updates_and_adds_deployments(app: Flask, test_platform: TestPlatform) -> None:
    assert cli(app, *add_args(test_platform, CLIENT_ID, "--deployment-id", "1:a")).exit_code == 0
    again = cli(
        app, *add_args(test_platform, CLIENT_ID, "--deployment-id", "1:a", "--deployment-id", "3:c")
    )
    assert again.exit_code == 0
    assert "Updated platform" in again.output
    assert "Added deployment ids: 3:c" in again.output


def test_invalid_registration_says_what_to_fix(app: Flask, test_platform: TestPlatform) -> None:
    args = add_args(test_platform)
    args[args.index("--auth-login-url") + 1] = "sso.canvaslms.com/api/lti/authorize_redirect"
    result = cli(app, *args)
    assert result.exit_code != 0
    assert "--auth-login-url must be an absolute http(s) URL" in result.output
    assert "Traceback" not in result.output


def test_remove_stops_launches_at_once_in_running_workers(
    app: Flask, app_config: dict[str, Any], lti: LaunchActions
) -> None:
    assert lti.launch("candidate").status_code == 200  # the worker now caches the registration
    admin_process = create_app(app_config)  # the CLI runs in another process
    refused = cli(
        admin_process, "platform", "remove", "--issuer", lti.reg.issuer, "--client-id", CLIENT_ID
    )
    assert refused.exit_code != 0
    assert "1 people have launched" in refused.output
    dropped = cli(
        admin_process,
        "platform",
        "remove",
        "--issuer",
        lti.reg.issuer,
        "--client-id",
        CLIENT_ID,
        "--deployment-id",
        DEPLOYMENT_ID,
    )
    assert dropped.exit_code == 0, dropped.output
    response = lti.client.post(
        "/lti/login",
        data={
            "iss": lti.reg.issuer,
            "login_hint": "h",
            "client_id": CLIENT_ID,
            "deployment_id": DEPLOYMENT_ID,
        },
    )
    assert response.status_code == 400
    assert "deployment of the tool is not registered" in response.get_data(as_text=True)
    gone = cli(
        admin_process,
        "platform",
        "remove",
        "--issuer",
        lti.reg.issuer,
        "--client-id",
        CLIENT_ID,
        "--delete-people",
    )
    assert gone.exit_code == 0
    response = lti.client.post(
        "/lti/login", data={"iss": lti.reg.issuer, "login_hint": "h", "client_id": CLIENT_ID}
    )
    assert response.status_code == 400
    assert "not registered" in response.get_data(as_text=True)


def test_remove_unknown_platform(app: Flask) -> None:
    result = cli(app, "platform", "remove", "--issuer", "https://x.example", "--client-id", "1")
    assert result.exit_code != 0
    assert "No platform https://x.example client_id=1 is registered" in result.output


def test_keys_rotate_list_remove_and_jwks(app: Flask, app_config: dict[str, Any]) -> None:
    client = app.test_client()
    assert client.get("/lti/jwks").get_json() == {"keys": []}
    first = cli(app, "init")
    assert first.exit_code == 0, first.output
    assert "Generated tool signing key" in first.output
    assert "Using tool signing key" in cli(app, "init").output
    admin_process = create_app(app_config)
    rotated = cli(admin_process, "keys", "rotate")
    assert rotated.exit_code == 0
    new_kid = rotated.output.split("New current signing key: ")[1].split()[0]
    listing = cli(app, "keys", "list").output.splitlines()
    assert len(listing) == 2
    assert listing[0].startswith(new_kid) and listing[0].endswith("current")
    old_kid = listing[1].split()[0]
    # The running app publishes both, each with kid, alg and use (canvas-lti.md §10.6).
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert {k["kid"] for k in keys} == {new_kid, old_kid}
    assert all(k["alg"] == "RS256" and k["use"] == "sig" and k["kty"] == "RSA" for k in keys)
    key_dir = Path(app.config["KEY_DIR"])
    for pem in key_dir.glob("*.pem"):
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600
        assert b"PRIVATE KEY" in pem.read_bytes()
    assert not any("PRIVATE" in json.dumps(k) or "d" in k for k in keys)
    refused = cli(app, "keys", "remove", new_kid)
    assert refused.exit_code != 0 and "current signing key" in refused.output
    assert cli(app, "keys", "remove", old_kid).exit_code == 0
    assert [k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]] == [new_kid]
    assert cli(app, "keys", "remove", "nope").exit_code != 0
    assert oct(os.stat(key_dir).st_mode & 0o777) == "0o700"


def _add_cloud_key(app: Flask, *extra: str) -> Result:
    return cli(
        app,
        "platform",
        "add",
        "--issuer",
        "https://canvas.instructure.com",
        "--client-id",
        "170000000000417",
        "--auth-login-url",
        "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--auth-token-url",
        "https://sso.canvaslms.com/login/oauth2/token",
        "--key-set-url",
        "https://sso.canvaslms.com/api/lti/security/jwks",
        "--deployment-id",
        "6:8865aa05b4b79b64a91a86042e43af5ea8ae79eb",
        *extra,
    )


def test_canvas_cloud_schools_may_frame_the_tool_from_their_own_hosts(app: Flask) -> None:
    """Hosted Canvas shows the tool on school.instructure.com, a host no endpoint names: the
    registration names it, and only it (not every other school's host) may frame the tool."""
    result = _add_cloud_key(app, "--canvas-url", "https://kern.instructure.com")
    assert result.exit_code == 0, result.output
    csp = app.test_client().get("/lti/jwks").headers["Content-Security-Policy"]
    sources = csp.removeprefix("frame-ancestors ").split()
    assert "https://kern.instructure.com" in sources
    assert "https://sso.canvaslms.com" in sources
    assert not [s for s in sources if "*" in s]


def test_a_canvas_cloud_key_without_its_canvas_address_is_refused(app: Flask) -> None:
    result = _add_cloud_key(app)
    assert result.exit_code != 0
    assert "Canvas Cloud registrations need --canvas-url" in result.output
    csp = app.test_client().get("/lti/jwks").headers["Content-Security-Policy"]
    assert "instructure.com" not in csp


def test_extra_framing_origins_come_from_the_environment(
    app_config: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setenv("CTOM_LTI_FRAME_ANCESTORS", "https://canvas.district.example.org")
    custom = create_app(app_config)
    csp = custom.test_client().get("/lti/jwks").headers["Content-Security-Policy"]
    assert "https://canvas.district.example.org" in csp.split()


def test_registration_changes_leave_an_audit_trail_without_the_token(
    app: Flask, test_platform: TestPlatform
) -> None:
    added = cli(
        app,
        *add_args(
            test_platform,
            CLIENT_ID,
            "--deployment-id",
            "1:a",
            "--canvas-url",
            "https://school.instructure.com",
        ),
        input=TOKEN + "\n",
    )
    assert added.exit_code == 0, added.output
    removed = cli(
        app, "platform", "remove", "--issuer", test_platform.issuer, "--client-id", CLIENT_ID
    )
    assert removed.exit_code == 0, removed.output
    with session_scope(app) as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["platform.add", "platform.remove"]
        assert events[0].detail == {
            "deployment_ids_added": ["1:a"],
            "canvas_url": "https://school.instructure.com",
            "canvas_token_set": True,
        }
        assert events[1].detail is not None
        assert events[1].detail["deployment_ids_removed"] == ["1:a"]
        assert all(TOKEN not in json.dumps(e.detail) for e in events)
