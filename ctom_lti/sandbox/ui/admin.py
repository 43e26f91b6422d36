"""Account admin pages: developer keys (paste JSON or enter URL) and deployments.

canvas-lti.md §7.1: an admin creates an LTI key from the tool's JSON, lists its redirect URIs,
turns it on, then installs the tool by client_id in the account or a course.
"""

from __future__ import annotations

import json

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.platform.developer_key_json import DeveloperKeyError
from ctom_lti.sandbox.platform.developer_keys import (
    create_developer_key,
    create_developer_key_from_url,
    developer_keys,
    find_developer_key,
)
from ctom_lti.sandbox.platform.tools import DeploymentError, deploy
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.ui.access import UiError, administers, check_csrf, require_user
from ctom_lti.sandbox.ui.blueprint import bp, page


def _require_admin(store: Store, account_id: int) -> User:
    user = require_user(store)
    if account_id not in store.accounts:
        raise UiError("Account not found", f"There is no account {account_id}.", 404)
    if not administers(store, user, account_id):
        raise UiError("Admins only", f"{user.name} does not administer this account.", 403)
    return user


def _keys_page(
    store: Store, account_id: int, *, form: dict[str, str], problems: list[str]
) -> Response:
    keys = sorted(developer_keys(store).values(), key=lambda k: k.id)
    response = page(
        "sandbox_ui/developer_keys.html",
        account=store.accounts[account_id],
        keys=keys,
        form=form,
        problems=problems,
    )
    if problems:
        response.status_code = 422
    return response


@bp.get("/accounts/<int:account_id>/developer_keys")
def developer_keys_page(account_id: int) -> Response:
    store = current_sandbox().store
    _require_admin(store, account_id)
    return _keys_page(store, account_id, form={}, problems=[])


@bp.post("/accounts/<int:account_id>/developer_keys")
def create_key(account_id: int) -> Response:
    check_csrf()
    store = current_sandbox().store
    _require_admin(store, account_id)
    form = {k: request.form.get(k, "") for k in ("method", "json", "url", "redirect_uris")}
    redirect_uris = [line.strip() for line in form["redirect_uris"].splitlines() if line.strip()]
    try:
        if form["method"] == "url":
            key = create_developer_key_from_url(store, form["url"].strip(), redirect_uris)
        else:
            try:
                config = json.loads(form["json"] or "null")
            except json.JSONDecodeError as exc:
                raise DeveloperKeyError(
                    [f"The JSON is not valid: {exc.msg} (line {exc.lineno})"]
                ) from exc
            if not isinstance(config, dict):
                raise DeveloperKeyError(["Paste the tool's JSON configuration (an object)."])
            key = create_developer_key(store, config, redirect_uris)
    except DeveloperKeyError as exc:
        return _keys_page(store, account_id, form=form, problems=exc.problems)
    flash(f"Developer key {key.name} created: client_id {key.client_id}", "success")
    return redirect(url_for("sandbox_ui.developer_keys_page", account_id=account_id), 303)


@bp.post("/accounts/<int:account_id>/developer_keys/<client_id>/state")
def set_key_state(account_id: int, client_id: str) -> Response:
    check_csrf()
    store = current_sandbox().store
    _require_admin(store, account_id)
    key = find_developer_key(store, client_id)
    if key is None:
        raise UiError("Key not found", f"There is no developer key {client_id}.", 404)
    key.enabled = request.form.get("enabled") == "on"
    flash(f"{key.name} is now {'ON' if key.enabled else 'OFF'}", "success")
    return redirect(url_for("sandbox_ui.developer_keys_page", account_id=account_id), 303)


@bp.get("/accounts/<int:account_id>/external_tools")
def deployments_page(account_id: int) -> Response:
    store = current_sandbox().store
    _require_admin(store, account_id)
    tools = sorted(
        (t for t in store.external_tools.values() if t.workflow_state != "deleted"),
        key=lambda t: t.id,
    )
    return page(
        "sandbox_ui/deployments.html",
        account=store.accounts[account_id],
        tools=[(t, store.deployment_id(t)) for t in tools],
        keys=sorted(developer_keys(store).values(), key=lambda k: k.id),
        courses=sorted(
            (c for c in store.courses.values() if c.workflow_state != "deleted"),
            key=lambda c: c.id,
        ),
    )


@bp.post("/accounts/<int:account_id>/external_tools")
def create_deployment(account_id: int) -> Response:
    check_csrf()
    store = current_sandbox().store
    _require_admin(store, account_id)
    client_id = request.form.get("client_id", "").strip()
    where = request.form.get("context", "account")
    try:
        if where.startswith("course:"):
            tool = deploy(store, client_id, course_id=int(where.split(":", 1)[1]))
        else:
            tool = deploy(store, client_id, account_id=account_id)
    except (DeploymentError, ValueError) as exc:
        flash(f"Not installed: {exc}", "error")
    else:
        flash(f"Installed {tool.name}: deployment_id {store.deployment_id(tool)}", "success")
    return redirect(url_for("sandbox_ui.deployments_page", account_id=account_id), 303)
