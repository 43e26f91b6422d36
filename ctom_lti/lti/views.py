"""HTTP endpoints of the LTI layer: login, launch, key set, developer-key JSON, deep-link picker."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import get_engine
from ctom_lti.errors import BadRequest, Forbidden
from ctom_lti.features import registry_of
from ctom_lti.links import HOME
from ctom_lti.lti import flow, pages
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.config_json import LAUNCH_PATH, developer_key_config
from ctom_lti.lti.cookies import cookie_options
from ctom_lti.lti.deep_linking import (
    content_items,
    picker_items,
    response_jwt,
    select_items,
)
from ctom_lti.lti.launch_outcome import LaunchRefused
from ctom_lti.lti.login import LoginOutcome, LoginRequest, begin_login, query_string
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.services import registration_for
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.sessions import ServerSession, store_now
from ctom_lti.lti.web import add_token, tool_url
from ctom_lti.models import Role

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


def _server_session() -> ServerSession:
    current = session._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(current, ServerSession), "ctom_lti.lti.init_app installs the interface"
    return current


def _start_session(finished: flow.Finished, settings: flow.Settings) -> Response:
    _server_session().start(
        finished.session_data,
        lifetime=settings.session_lifetime,
        token_mode=finished.token_mode,
        store_with=finished.store_with_session,
    )
    store_now()
    if finished.deep_link:
        url = tool_url("lti.deep_link", cohort_id=finished.cohort_id)
    else:
        url = add_token(_landing_url(finished))
    return _redirect(url)


def _landing_url(finished: flow.Finished) -> str:
    landing = finished.landing
    registry = registry_of(current_app)
    page = registry.page(landing.page)
    if page is not None:
        if page.per_principle:
            return url_for(
                page.endpoint, cohort_id=finished.cohort_id, principle_key=landing.principle_key
            )
        return url_for(page.endpoint, cohort_id=finished.cohort_id)
    # The page belongs to a feature that has not shipped yet: open home and say so there.
    values: dict[str, Any] = {"cohort_id": finished.cohort_id}
    if landing.page != HOME:
        values["page"] = landing.page
        if landing.principle_key:
            values["principle"] = landing.principle_key
    return url_for(registry.endpoint_of(HOME), **values)


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


def _require_content_placer(launch: SessionLaunch) -> None:
    """Refuse unless the person may place content in Canvas (instructors and admins).

    Canvas also sends deep-linking launches to students (a rich-content editor's tool button),
    so the message type alone does not make someone an author of the course.
    """
    if not launch.has_any(Role.INSTRUCTOR, Role.ADMIN):
        raise Forbidden(
            "Only instructors and programme administrators can add CTO Mentor pages to Canvas.",
            hint="Close this window. To share a page with your course, ask your instructor.",
        )


@bp.get("/c/<int:cohort_id>/deep-link")
@launch_required()
def deep_link(launch: SessionLaunch, cohort_id: int) -> str:
    _require_content_placer(launch)
    if launch.deep_link is None:
        raise Forbidden(
            "Pages can only be added to Canvas from a Canvas 'add content' launch.",
            hint="In Canvas, add an external tool item to a module or an assignment and choose "
            "CTO Mentor.",
        )
    return _render_picker(launch.cohort_id, launch.deep_link.accept_multiple)


@bp.post("/c/<int:cohort_id>/deep-link")
@launch_required()
def deep_link_submit(launch: SessionLaunch, cohort_id: int) -> tuple[str, int] | Response:
    _require_content_placer(launch)
    settings = launch.deep_link
    if settings is None:
        raise BadRequest("This session did not come from a Canvas 'add content' launch.")
    items = picker_items(load_curriculum(), registry_of(current_app).linkable_pages)
    chosen = request.form.getlist("item")
    picked, problem = select_items(items, chosen, settings)
    if problem is not None:
        return _render_picker(cohort_id, settings.accept_multiple, problem, chosen), 422
    registration = registration_for(current_app, launch.platform_id)
    if registration is None:
        raise Forbidden("This Canvas developer key is no longer registered with the tool.")
    gradable = launch.placement == "assignment_selection"
    resources = content_items(picked, _base_url() + LAUNCH_PATH, gradable=gradable)
    token = response_jwt(registration, launch.deployment_id, settings, resources)
    # A deep-linking request is answered once; the session stays for the cohort's pages.
    current = _server_session()
    current["launch"] = {**current["launch"], "dl": None}
    response = make_response(
        render_template("lti/deep_link_return.html", return_url=settings.return_url, jwt=token)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_picker(
    cohort_id: int,
    accept_multiple: bool,
    problem: str | None = None,
    chosen: list[str] | None = None,
) -> str:
    groups: dict[str, list[object]] = {}
    for item in picker_items(load_curriculum(), registry_of(current_app).linkable_pages):
        groups.setdefault(item.group, []).append(item)
    return render_template(
        "lti/deep_link_picker.html",
        cohort_id=cohort_id,
        groups=groups,
        accept_multiple=accept_multiple,
        problem=problem,
        chosen=set(chosen or ()),
    )
