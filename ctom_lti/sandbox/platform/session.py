"""Who is signed in to the sandbox Canvas: a signed session cookie, like Canvas's own.

``/api/lti/authorize`` needs it (canvas-lti.md §3.1: the auth request is a browser redirect that
carries the user's Canvas session). That request is navigated inside the tool's iframe after a
redirect chain through the tool's site, so the cookie is ``SameSite=None; Secure`` as Canvas's is
(Chromium accepts Secure cookies from http://127.0.0.1 and http://localhost).
"""

from __future__ import annotations

from flask import request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.store import Store, User

COOKIE_NAME = "canvas_session"
_SALT = "ctom-sandbox-session"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_sandbox().secret, salt=_SALT)


def current_user(store: Store) -> User | None:
    """The signed-in sandbox user of this request, or None."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user_id"), int):
        return None
    return store.users.get(data["user_id"])


def session_value(user_id: int) -> str:
    """The cookie value that signs in ``user_id`` (tests and scripts may send it themselves)."""
    return _serializer().dumps({"user_id": user_id})


def sign_in(response: Response, user_id: int) -> Response:
    response.set_cookie(
        COOKIE_NAME,
        session_value(user_id),
        httponly=True,
        secure=True,
        samesite="None",
        path="/",
    )
    return response


def sign_out(response: Response) -> Response:
    response.delete_cookie(COOKIE_NAME, path="/", secure=True, samesite="None", httponly=True)
    return response
