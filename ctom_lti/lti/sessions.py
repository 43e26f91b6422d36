"""Server-side sessions that work with or without third-party cookies.

Session data lives in the shared store (Redis or the database) under the SHA-256 of an opaque
random id; the browser holds only the id. The id comes back either in a partitioned cookie or,
when the browser blocks the tool's cookies, as the launch-bound token ``lt`` that every link and
form carries (``tool_url`` and ``session_field`` in templates add it only in that mode). Only a
launch creates a session (:meth:`ServerSession.start`); requests without one get an empty session
that is never stored.

A token in a link never replaces a different, valid session the browser holds in its cookie: a
launch sets the cookie in both modes (a browser that blocks it simply drops it), so the cookie
always names the newest launch this browser made where it keeps cookies, while a token may come
from anyone's link. Only a browser that keeps no cookie at all goes by the token alone.

The token travels in URLs, so it must never be logged or leak in a ``Referer``: every response
says ``Referrer-Policy: no-referrer``, the bundled server logs nothing and the gunicorn access
log format leaves out query strings.

If the store cannot be read, the request still gets a session object (Flask's error handling
needs one) that is marked :attr:`ServerSession.unavailable`; :func:`refuse_if_unavailable`
turns that into the 503 page before any view or CSRF check runs.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

from flask import Flask, Request, Response, current_app, request, session
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import HTTPException

from ctom_lti.errors import SessionStoreUnavailable
from ctom_lti.lti.cookies import cookie_options
from ctom_lti.lti.kv import KeyValueStore, Op, Pending, batch, submit

#: Name of the query parameter / form field carrying the session token in cookieless mode.
TOKEN_PARAM = "lt"  # noqa: S105 - a parameter name, not a secret
_EXPIRES = "_exp"
_TOKEN_MODE = "_tm"  # noqa: S105 - a session key name
_MAX_SID_LENGTH = 100
_REFUSED_BODY = "ctom.refused_body"


def raise_refused_body() -> None:
    """Raise the body error met while looking for the session token, if any (before_request)."""
    refused = request.environ.get(_REFUSED_BODY)
    if refused is not None:
        raise refused


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _plausible(sid: str | None) -> bool:
    return (
        bool(sid)
        and len(sid or "") <= _MAX_SID_LENGTH
        and all(c.isalnum() or c in "-_" for c in sid or "")
    )


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """A session whose data is stored server-side under :attr:`sid`."""

    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        *,
        sid: str | None = None,
        from_token: bool = False,
    ) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.from_token = from_token
        self.modified = False
        self.new = False
        self.replaced_sid: str | None = None
        #: The store could not be read (or written): nothing is known and nothing is saved.
        self.unavailable = False
        #: Other writes to send with this session's own, in the same round trip.
        self.store_with: tuple[Op, ...] = ()
        #: Writes already on their way to the store (:func:`store_now`); their answer is read
        #: when the response is saved.
        self.in_flight: Pending | None = None

    @property
    def token_mode(self) -> bool:
        """True when the browser does not keep our cookies: links and forms must carry ``lt``."""
        return self.from_token or bool(self.get(_TOKEN_MODE))

    def start(
        self,
        data: dict[str, Any],
        *,
        lifetime: int,
        token_mode: bool,
        store_with: tuple[Op, ...] = (),
    ) -> str:
        """Begin a fresh session (a launch): new id, only ``data``; returns the new id.

        The previous id, if any, is forgotten so a session id seen before a launch can never be
        used after it. ``store_with`` are other writes to send when the session is saved.
        """
        self.store_with = store_with
        if self.sid:
            self.replaced_sid = self.sid
        self.sid = secrets.token_urlsafe(32)
        self.new = True
        self.clear()
        self.update(data)
        self[_EXPIRES] = int(time.time()) + lifetime
        if token_mode:
            self[_TOKEN_MODE] = True
        return self.sid


class ServerSessionInterface(SessionInterface):
    """Flask session interface over a :class:`KeyValueStore`."""

    def __init__(
        self, store: KeyValueStore, lifetime: int, *, unread_paths: frozenset[str] = frozenset()
    ) -> None:
        self.store = store
        self.lifetime = lifetime
        #: Paths that never use session data (login, launch, key set): the id is noted, so a
        #: launch can retire the old session, but nothing is read.
        self.unread_paths = unread_paths

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        static = app.static_url_path
        if static and request.path.startswith(static + "/"):
            return ServerSession()
        token, cookie = self._incoming(app, request)
        if request.path in self.unread_paths:
            # A launch retires the browser's own session, named by its cookie when it has one.
            if cookie is not None:
                return ServerSession(sid=cookie)
            return ServerSession(sid=token, from_token=token is not None)
        try:
            return self._read(token, cookie)
        except SessionStoreUnavailable:
            # Raising here would leave Flask without a session, and its error handling needs
            # one; the request is refused by ``refuse_if_unavailable`` instead.
            unavailable = ServerSession()
            unavailable.unavailable = True
            return unavailable

    def _read(self, token: str | None, cookie: str | None) -> ServerSession:
        if cookie is not None and token is not None and token != cookie:
            own = self._load(cookie)
            if own is not None:
                return ServerSession(own, sid=cookie)
        sid = token if token is not None else cookie
        data = self._load(sid) if sid is not None else None
        if data is None:
            return ServerSession()
        return ServerSession(data, sid=sid, from_token=sid == token)

    def _load(self, sid: str) -> dict[str, Any] | None:
        raw = self.store.get(_hash(sid))
        if raw is None:
            return None
        data: dict[str, Any] = json.loads(raw)
        if int(data.get(_EXPIRES, 0)) <= time.time():
            return None
        return data

    def _incoming(self, app: Flask, request: Request) -> tuple[str | None, str | None]:
        """The plausible session ids the request carries: (token, cookie)."""
        token = request.args.get(TOKEN_PARAM)
        # A file upload is not read here: its form's address carries the token (``tool_url``),
        # and its view may allow a larger body than other forms (``request.max_content_length``
        # set before the form is read), which reading it now would refuse.
        if token is None and request.method == "POST" and request.mimetype != "multipart/form-data":
            try:
                token = request.form.get(TOKEN_PARAM)
            except HTTPException as exc:
                # An oversized or malformed body. A second read of a body read halfway would
                # find it empty rather than fail again, so the error is kept and raised before
                # the view (``raise_refused_body``), where the handlers make it a 4xx page.
                request.environ[_REFUSED_BODY] = exc
                token = None
        cookie = request.cookies.get(self.get_cookie_name(app))
        return (token if _plausible(token) else None), (cookie if _plausible(cookie) else None)

    def _writes(self, session: ServerSession) -> list[Op]:
        """What storing ``session`` takes now (nothing when nothing changed)."""
        ops = list(session.store_with)
        if session.replaced_sid:
            ops.append(Op(self.store, "delete", _hash(session.replaced_sid)))
        remaining = int(session.get(_EXPIRES, 0)) - int(time.time())
        # Only launches create sessions (``start``); nothing else is ever stored.
        if session.sid and session.modified and remaining > 0:
            data = json.dumps(dict(session), separators=(",", ":"))
            ops.append(Op(self.store, "put", _hash(session.sid), data, remaining))
        return ops

    def send(self, session: ServerSession) -> None:
        """Start storing ``session`` now; :meth:`save_session` reads the store's answer.

        Changes made to the session afterwards are still saved, in a round trip of their own.
        """
        ops = self._writes(session)
        if not ops:
            return
        try:
            session.in_flight = submit(ops)
        except SessionStoreUnavailable:
            session.unavailable = True
            raise
        session.store_with = ()
        session.replaced_sid = None
        session.modified = False

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        in_flight, session.in_flight = session.in_flight, None
        if session.unavailable:
            return
        if session.accessed:
            response.vary.add("Cookie")
        ops = self._writes(session)
        try:
            if in_flight is not None:
                in_flight.results()
            if ops:
                batch(ops)
        except SessionStoreUnavailable:
            # The error page that follows must not try (and wait) again, nor set a cookie
            # for a session that was never stored.
            session.unavailable = True
            raise
        if not session.sid:
            return
        if session.new:
            # Set in token mode too: where the browser keeps it, it marks this launch as the
            # browser's own (see the module docstring); where it blocks it, nothing changes.
            response.set_cookie(
                self.get_cookie_name(app),
                session.sid,
                max_age=self.lifetime,
                path="/",
                **cookie_options(app, request),
            )


def current_session() -> ServerSession:
    """The request's session, as the interface ``ctom_lti.lti.init_app`` installs makes it."""
    current = session._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(current, ServerSession), "ctom_lti.lti.init_app installs the interface"
    return current


def store_now() -> None:
    """Start storing the current session while the response is still being built.

    A launch calls this once its new session is complete: the store works on the write while
    the worker builds the landing page, instead of the worker waiting for it at the very end. The
    response is still only sent once the store has confirmed the write (``save_session``).
    """
    interface = current_app.session_interface
    current = session._get_current_object()  # type: ignore[attr-defined]
    if isinstance(interface, ServerSessionInterface) and isinstance(current, ServerSession):
        interface.send(current)


def refuse_if_unavailable() -> None:
    """``before_request`` hook: answer 503 when the session store could not be read."""
    current = session._get_current_object()  # type: ignore[attr-defined]
    if isinstance(current, ServerSession) and current.unavailable:
        raise SessionStoreUnavailable()
