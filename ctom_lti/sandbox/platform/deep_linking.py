"""Deep linking's return endpoint: the tool's response JWT and its checks (canvas-lti.md §6).

What each placement accepts is in ``deep_linking_placements``; what the returned items become is
in ``deep_linking_content``.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from flask import Blueprint, Response, render_template, request

from ctom_lti.sandbox.platform import web
from ctom_lti.sandbox.platform.deep_linking_content import create_content
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, find_developer_key
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.tokens import TokenRequestError, check_times, verify_tool_jwt
from ctom_lti.sandbox.store import Store

bp = Blueprint("lti_deep_linking", __name__, template_folder="templates")

DL = "https://purl.imsglobal.org/spec/lti-dl/claim"
CONTENT_ITEMS = f"{DL}/content_items"


class DeepLinkError(Exception):
    def __init__(self, attribute: str, message: str) -> None:
        super().__init__(message)
        self.attribute = attribute
        self.message = message


@bp.route("/courses/<int:course_id>/deep_linking_response", methods=["POST"])
def deep_linking_response(course_id: int) -> Response:
    """canvas-lti.md §6: verify the tool's JWT, then create what it returned."""
    store = web.store()
    course = store.courses.get(course_id)
    if course is None:
        return web.service_error("The specified resource does not exist.", 404)
    try:
        data = _decode_data(store, request.args.get("data", ""))
        claims, key = verify_response_jwt(store, request.form.get("JWT", ""))
        tool = store.external_tools.get(int(data.get("tool_id", 0)))
        if tool is None or tool.client_id != key.client_id:
            raise DeepLinkError("jwt", "The JWT was not issued by the tool that was launched")
    except DeepLinkError as exc:
        response = web.json_response(
            {
                "errors": {
                    exc.attribute: [
                        {
                            "attribute": exc.attribute,
                            "type": "JWT verification failure",
                            "message": exc.message,
                        }
                    ]
                }
            },
            "application/json",
            400,
        )
        return response
    items = claims.get(CONTENT_ITEMS) or []
    outcome = create_content(
        store,
        course_id,
        tool,
        str(data.get("placement")),
        items if isinstance(items, list) else [],
        module_id=data.get("module_id"),
        assignment_id=data.get("assignment_id"),
    )
    messages = {name: claims.get(f"{DL}/{name}") for name in ("msg", "log", "errormsg", "errorlog")}
    body = render_template(
        "sandbox_platform/deep_linking_done.html",
        course=course,
        outcome=outcome,
        messages=messages,
        items=items,
    )
    return Response(body, mimetype="text/html")


def verify_response_jwt(store: Store, token: str) -> tuple[dict[str, Any], DeveloperKey]:
    """Signature, iss = client_id, aud ∋ issuer, iat window, exp, nonce once (§6)."""
    if not token:
        raise DeepLinkError("jwt", "JWT verification failure")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise DeepLinkError("jwt", "JWT verification failure") from exc
    key = find_developer_key(store, str(unverified.get("iss", "")))
    if key is None or not key.usable:
        raise DeepLinkError("jwt", "JWT verification failure")
    try:
        verify_tool_jwt(store, key, token, header)
        check_times(unverified, int(time.time()) + platform_settings(store).clock_offset)
    except TokenRequestError as exc:
        raise DeepLinkError("jwt", "JWT verification failure") from exc
    aud = unverified.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if store.issuer not in auds:
        raise DeepLinkError("jwt", "JWT verification failure")
    nonce = unverified.get("nonce")
    if not nonce:
        raise DeepLinkError("jwt", "JWT verification failure")
    used: dict[tuple[str, str], float] = store.table("lti_used_dl_nonces")
    with store.lock:
        if (key.client_id, str(nonce)) in used:
            raise DeepLinkError("jwt", "JWT verification failure")
        used[(key.client_id, str(nonce))] = time.time()
    return unverified, key


def _decode_data(store: Store, raw: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jwt.decode(raw, store.secret, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise DeepLinkError("data", "The deep linking data is missing or invalid") from exc
    return data
