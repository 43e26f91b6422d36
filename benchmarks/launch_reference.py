"""The pylti1p3 reference example, served beside the tool so both are measured in one run.

``dmitry-viskov/pylti1.3-flask-example`` (``game/app.py``) as shipped, reduced to what a
launch uses: a tool configuration read from a JSON file on every request
(``ToolConfJsonFile``), launch data in an in-process cache (``CACHE_TYPE: simple``), the
cookie check page at login, no public-key caching (the platform's key set is fetched on every
launch), the launch data printed (``pprint``) and the game page rendered in the launch
response. Issue 8 §7's reference figures are this example's, so the tool's targets (2 and
1.4 times as fast per full launch) can be checked on any machine from one run.

Two things differ from the example, neither touching what a launch costs the example itself:

- Flask-Caching's ``simple`` cache (cachelib's ``SimpleCache``: a dict of pickled values with
  expiry times) is replaced by the few lines of :class:`SimpleCache`, so the benchmark needs
  nothing beyond the project's test extra;
- pylti1p3next (the project's pin) no longer builds the cookie check page in Python but renders
  a template the example does not ship; :class:`ExampleOIDCLogin` builds it as pylti1p3 2.0.0
  did, with the library's own ``CookiesAllowedCheckPage``.

The example's own steps are login (the cookie check page), login again in the same window
(``lti1p3_new_window=1``, the redirect to the platform) and the launch (which is also the page).
"""

from __future__ import annotations

import json
import os
import pickle
import pprint
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, make_response, render_template_string, request
from pylti1p3.contrib.flask import (
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.cookies_allowed_check import CookiesAllowedCheckPage
from pylti1p3.tool_config import ToolConfJsonFile

from benchmarks.launch_platforms import LaunchFailed, SignerPlatform
from tests.lti_support import launch_claims, parse_login_response

#: Where the reference's worker finds its ``game.json`` (written by :func:`write_config`).
CONFIG_ENV = "CTOM_BENCH_REFERENCE_CONFIG"
STEPS = ("login", "login again", "launch + page")
LOGIN_PATH = "/login/"
LAUNCH_PATH = "/launch/"


def step_of(method: str, path: str) -> str | None:
    """Which of the reference's steps an access-log line is."""
    if path == LOGIN_PATH:
        return "login" if method == "POST" else "login again"
    if method == "POST" and path == LAUNCH_PATH:
        return "launch + page"
    return None


def write_config(workdir: Path, platform: SignerPlatform) -> Path:
    """The example's ``configs/game.json`` (and its key files) for ``platform``."""
    folder = workdir / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "private.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (folder / "public.key").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    registration = platform.register("")
    config = {
        registration.issuer: [
            {
                "default": True,
                "client_id": registration.client_id,
                "auth_login_url": registration.auth_login_url,
                "auth_token_url": registration.auth_token_url,
                "key_set_url": registration.key_set_url,
                "key_set": None,
                "private_key_file": "private.key",
                "public_key_file": "public.key",
                "deployment_ids": [registration.deployment_id],
            }
        ]
    }
    path = folder / "game.json"
    path.write_text(json.dumps(config, indent=4))
    return path


class SimpleCache:
    """cachelib's ``SimpleCache`` as Flask-Caching's ``simple`` type uses it."""

    def __init__(self, default_timeout: int = 300) -> None:
        self._cache: dict[str, tuple[float, bytes]] = {}
        self.default_timeout = default_timeout

    def get(self, key: str) -> Any:
        expires, value = self._cache.get(key, (0.0, b""))
        if expires == 0 or expires > time.time():
            return pickle.loads(value) if value else None
        return None

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        timeout = self.default_timeout if timeout is None else timeout
        expires = time.time() + timeout if timeout > 0 else 0.0
        self._cache[key] = (expires, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        return True

    def delete(self, key: str) -> bool:
        return self._cache.pop(key, None) is not None


class ExampleOIDCLogin(FlaskOIDCLogin):  # type: ignore[misc]
    """``FlaskOIDCLogin`` with pylti1p3 2.0.0's cookie check page (see the module docstring)."""

    def get_cookies_allowed_js_check(self) -> Any:
        protocol, params = self.get_cookies_allowed_js_check_params()
        page = CookiesAllowedCheckPage(
            params,
            protocol,
            self._cookies_unavailable_msg_main_text,
            self._cookies_unavailable_msg_click_text,
            self._cookies_check_loading_text,
        )
        return make_response(page.get_html())


# The example's game/templates/game.html (a launch that is not a deep-linking one).
GAME_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{{ page_title }}</title>
<link href="{{ url_for('static', filename='breakout.css') }}" rel="stylesheet">
<link href="https://fonts.googleapis.com/css?family=Roboto&display=swap" rel="stylesheet">
<script type="text/javascript">
// Set game difficulty if it has been set in deep linking
var currDiff = "{{ curr_diff }}";
var currUserName = "{{ curr_user_name }}";
var launchId = "{{ launch_id }}";
</script>
<script type="text/javascript" src="{{ url_for('static', filename='breakout.js') }}"
 charset="utf-8"></script>
</head>
<body>
<h3 style="text-align: center;">Flask example (difficulty: {{ curr_diff }})</h3>
<div id="game-screen">
    <div style="position:absolute;width:1000px;margin-left:-500px;left:50%; display:block">
        <div id="scoreboard" style="position:absolute; right:0; width:200px">
            <h2 style="margin-left:12px;">Scoreboard</h2>
            <table id="leadertable" style="margin-left:12px;">
            </table>
            <div style="text-align: center; padding-top: 10px;">
                <a href="javascript: void(0);" style="color: white;" id="refresh-btn">Refresh</a>
            </div>
        </div>
        <canvas id="breakoutbg" width="800" height="500" style="position:absolute;left:0;border:0;">
        </canvas>
        <canvas id="breakout" width="800" height="500" style="position:absolute;left:0;">
        </canvas>
    </div>
</div>
</body>
</html>
"""


def create_app() -> Flask:
    """The example's app (``gunicorn "benchmarks.launch_reference:create_app()"``)."""
    config_path = os.environ[CONFIG_ENV]
    # The example's static folder holds its game's script and style; the page only links them.
    app = Flask("pylti1p3-game-example", static_folder=str(Path(config_path).parent))
    app.config.from_mapping(
        {
            "DEBUG": True,
            "ENV": "development",
            "SECRET_KEY": "replace-me",
            "SESSION_COOKIE_NAME": "pylti1p3-flask-app-sessionid",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": False,
            "SESSION_COOKIE_SAMESITE": None,
        }
    )
    cache = SimpleCache(default_timeout=600)

    @app.route(LOGIN_PATH, methods=["GET", "POST"])
    def login() -> Any:
        tool_conf = ToolConfJsonFile(config_path)
        flask_request = FlaskRequest()
        target_link_uri = flask_request.get_param("target_link_uri")
        if not target_link_uri:
            raise ValueError('Missing "target_link_uri" param')
        oidc_login = ExampleOIDCLogin(
            flask_request, tool_conf, launch_data_storage=FlaskCacheDataStorage(cache)
        )
        return oidc_login.enable_check_cookies().redirect(target_link_uri)

    @app.post(LAUNCH_PATH)
    def launch() -> Any:
        tool_conf = ToolConfJsonFile(config_path)
        message_launch = FlaskMessageLaunch(
            FlaskRequest(), tool_conf, launch_data_storage=FlaskCacheDataStorage(cache)
        )
        data = message_launch.get_launch_data()
        pprint.pprint(data)
        custom = data.get("https://purl.imsglobal.org/spec/lti/claim/custom", {})
        difficulty = custom.get("difficulty") or request.args.get("difficulty", "normal")
        return render_template_string(
            GAME_HTML,
            page_title="Game Example",
            is_deep_link_launch=message_launch.is_deep_link_launch(),
            launch_data=message_launch.get_launch_data(),
            launch_id=message_launch.get_launch_id(),
            curr_user_name=data.get("name", ""),
            curr_diff=difficulty,
        )

    return app


class ReferenceClient:
    """Launches the reference example as ``platform``'s people, as a browser would."""

    label = "pylti1p3 reference example (game/app.py as shipped), same gunicorn settings"

    def __init__(self, platform: SignerPlatform) -> None:
        self.platform = platform

    def launch(self, tool_base: str, person: int, browser: requests.Session) -> str:
        signer = self.platform
        role, sub = signer.roster[person % signer.people]
        params = {
            "iss": signer.platform.issuer,
            "login_hint": f"hint-{person}",
            "target_link_uri": tool_base + LAUNCH_PATH,
            "lti_message_hint": "x" * 300,
            "lti_deployment_id": signer.deployment_id,
            "client_id": signer.client_id,
        }
        check = browser.post(tool_base + LOGIN_PATH, data=params, timeout=30)
        if check.status_code != 200 or "lti1p3_new_window" not in check.text:
            raise LaunchFailed(f"reference login {check.status_code}")
        # The check page's script, in a browser that keeps cookies: the same login, marked.
        query = urlencode({**params, "lti1p3_new_window": "1"})
        login = browser.get(f"{tool_base}{LOGIN_PATH}?{query}", allow_redirects=False, timeout=30)
        if login.status_code != 302:
            raise LaunchFailed(f"reference login again {login.status_code}")
        auth = parse_login_response(302, login.headers["Location"], "")
        body = launch_claims(
            role,
            issuer=signer.platform.issuer,
            client_id=signer.client_id,
            deployment_id=signer.deployment_id,
            nonce=auth.nonce,
            sub=sub,
            mentees=signer.mentees if role == "mentor" else (),
        )
        page = browser.post(
            tool_base + LAUNCH_PATH,
            data={"id_token": signer.platform.sign(body), "state": auth.state},
            allow_redirects=False,
            timeout=30,
        )
        if page.status_code != 200 or "Flask example" not in page.text:
            raise LaunchFailed(f"reference launch {page.status_code} {page.text[:80]!r}")
        return ""  # the launch response is the page
