"""HTTP endpoints of the LTI layer: login, launch, key set, developer-key JSON.

The deep-link picker a launch may lead to has its own (``deep_link_views``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import (
    Blueprint,
    current_app,
    make_response,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ctom_lti.db import get_engine
from ctom_lti.features import registry_of
from ctom_lti.lti import flow, pages
from ctom_lti.lti.config_json import LAUNCH_PATH, developer_key_config
from ctom_lti.lti.cookies import cookie_options
from ctom_lti.lti.landing import answer_with, landing_page
from ctom_lti.lti.launch_outcome import LaunchRefused
from ctom_lti.lti.login import LoginOutcome, LoginRequest, begin_login, query_string
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.sessions import current_session, store_now
from ctom_lti.lti.web import add_token

bp = Blueprint("lti", __name__)


def _base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def _settings() -> flow.Settings:
    cfg = current_app.config
    return flow.Settings(
        leeway=int(cfg["LTI_IAT_LEEWAY"]),
        mentor_labels=frozenset(
            label.strip()
            for label in str(cfg["LTI_MENTOR_ROLE_LABELS"]).split(",")
            if label.strip()
        ),
        session_lifetime=int(cfg["LTI_SESSION_LIFETIME"]),
        pages=registry_of(current_app).link_targets,
    )


def _page(html: str) -> Response:
    response = current_app.response_class(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _redirect(location: str) -> Response:
    # A bare 302: the launch path is hot and nobody reads the HTML body werkzeug would add.
    response = current_app.response_class(status=302)
    response.headers["Location"] = location
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Response:
    params = request.form if request.method == "POST" else request.args
    pending = begin_login(
        LoginRequest.from_params(params), get_runtime(), _base_url() + LAUNCH_PATH
    )
    # Build the answer while the shared store records the login, then confirm.
    guess = pending.guess
    response = _login_response(guess, params) if guess is not None else None
    outcome = pending.confirm()
    if outcome is not guess or response is None:
        response = _login_response(outcome, params)
    return response


#: Login parameters repeated when a blocked browser opens the login in a window of its own.
_NEW_WINDOW_PARAMS = (
    "iss",
    "login_hint",
    "client_id",
    "deployment_id",
    "lti_deployment_id",
    "target_link_uri",
    "lti_message_hint",
)


def _login_response(outcome: LoginOutcome, params: Mapping[str, str]) -> Response:
    if outcome.storage is not None:
        new_window = (
            url_for("lti.login")
            + "?"
            + query_string({name: params[name] for name in _NEW_WINDOW_PARAMS if params.get(name)})
        )
        response = _page(
            pages.render(
                "login_storage.html",
                config={
                    "auth": outcome.auth_url,
                    "target": outcome.storage.target,
                    "origin": outcome.storage.origin,
                    "items": outcome.storage.items,
                },
                auth_url=outcome.auth_url,
                new_window=new_window,
            )
        )
    else:
        response = _redirect(outcome.auth_url)
    response.set_cookie(
        flow.STATE_COOKIE_PREFIX + outcome.state,
        outcome.state,
        max_age=int(current_app.config["LTI_STATE_TTL"]),
        path=LAUNCH_PATH,
        **cookie_options(current_app, request),
    )
    return response


@bp.post("/lti/launch")
def launch() -> Response:
    form = request.form
    if form.get("error"):
        detail = (form.get("error_description") or form.get("error") or "")[:300]
        raise LaunchRefused(f"Canvas did not complete the launch: {detail}")
    runtime = get_runtime()
    settings = _settings()
    validated = flow.validate(form, runtime, settings)
    parked = flow.bind_browser(validated, form, request.cookies, runtime)
    if parked is not None:
        action = url_for("lti.launch_continue")
        return _page(
            pages.render(
                "launch_storage.html",
                config={
                    "target": parked.target,
                    "origin": parked.origin,
                    "key": f"state-{parked.state}",
                    "forget": [f"state-{parked.state}", f"nonce-{validated.login.nonce}"],
                    "token": parked.token,
                    "action": action,
                },
                action=action,
                token=parked.token,
            )
        )
    finished = flow.finish(
        validated.body,
        validated.registration,
        runtime,
        get_engine(),
        settings,
        token_mode=False,
        prefetched=validated.prefetched,
    )
    response = _start_session(finished, settings)
    response.delete_cookie(
        flow.STATE_COOKIE_PREFIX + validated.state,
        path=LAUNCH_PATH,
        **cookie_options(current_app, request),
    )
    return response


@bp.post("/lti/launch/continue")
def launch_continue() -> Response:
    runtime = get_runtime()
    settings = _settings()
    body, registration = flow.resume(
        request.form.get("token", ""), request.form.get("secret", ""), runtime
    )
    finished = flow.finish(body, registration, runtime, get_engine(), settings, token_mode=True)
    return _start_session(finished, settings)


def _start_session(finished: flow.Finished, settings: flow.Settings) -> Response:
    current_session().start(
        finished.session_data,
        lifetime=settings.session_lifetime,
        token_mode=finished.token_mode,
        store_with=finished.store_with_session,
    )
    # The store works on the new session while the landing page is built; the response waits
    # for its confirmation (``save_session``), so no later page can miss it.
    store_now()
    registry = registry_of(current_app)
    page = landing_page(
        finished.landing, finished.cohort_id, registry, deep_link=finished.deep_link
    )
    address = add_token(page.url())
    return answer_with(page, address, registry) or _redirect(address)


@bp.get("/lti/jwks")
@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    response = make_response(get_runtime().keyring.jwks_json())
    response.mimetype = "application/json"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/lti/config.json")
def config_json() -> Response:
    document = developer_key_config(_base_url(), title=current_app.config["LTI_TOOL_TITLE"])
    response = make_response(json.dumps(document, indent=2) + "\n")
    response.mimetype = "application/json"
    return response
