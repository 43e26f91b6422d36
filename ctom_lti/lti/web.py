"""Web helpers shared by every tool page: links that keep the session, headers, framing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, has_request_context, request, session, url_for
from markupsafe import Markup, escape

from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.sessions import TOKEN_PARAM, ServerSession


def _token() -> str | None:
    current = session._get_current_object()  # type: ignore[attr-defined]
    if isinstance(current, ServerSession) and current.sid and current.token_mode:
        return current.sid
    return None


#: Where an app keeps the addresses :func:`cohort_url` and :func:`static_url` have built.
_COHORT_URLS = "ctom.cohort_urls"
#: Cohorts times pages is small; the bound only keeps a stray loop from growing the memo.
_COHORT_URLS_MAX = 50_000
#: (script root, endpoint, cohort id or file name)
_MemoKey = tuple[str, str, int | str]
_Memo = dict[_MemoKey, str]


def cohort_url(endpoint: str, cohort_id: int) -> str:
    """``url_for(endpoint, cohort_id=...)``, built once per page, cohort and mount point.

    Every tool page links to its cohort's other pages, and werkzeug's URL building is a
    noticeable share of rendering one. The address holds nothing personal (no token, no query),
    so it is the same for everyone in the cohort; the key includes the script root, which a
    proxy may set per request (``CTOM_PROXY_FIX``).
    """
    memo = _memo()
    key = (request.script_root, endpoint, cohort_id)
    url = memo.get(key)
    if url is None:
        url = url_for(endpoint, cohort_id=cohort_id)
        _remember(memo, key, url)
    return url


def static_url(filename: str) -> str:
    """``url_for("static", filename=...)``, built once per file and mount point (every page
    links the same style sheet and script)."""
    memo = _memo()
    key = (request.script_root, "static", filename)
    url = memo.get(key)
    if url is None:
        url = url_for("static", filename=filename)
        _remember(memo, key, url)
    return url


def _memo() -> _Memo:
    memo: _Memo = current_app.extensions.setdefault(_COHORT_URLS, {})
    return memo


def _remember(memo: _Memo, key: _MemoKey, url: str) -> None:
    if len(memo) >= _COHORT_URLS_MAX:
        memo.clear()
    memo[key] = url


def tool_url(endpoint: str, **values: Any) -> str:
    """``url_for`` that also carries the session token when the browser keeps no cookies."""
    cohort_id = values.get("cohort_id")
    if (
        len(values) == 1
        and type(cohort_id) is int
        and not endpoint.startswith(".")
        and has_request_context()
    ):
        return add_token(cohort_url(endpoint, cohort_id))
    return add_token(url_for(endpoint, **values))


def cohort_links(endpoints: Iterable[str], cohort_id: int) -> list[str]:
    """``tool_url(endpoint, cohort_id=cohort_id)`` for each of ``endpoints``, in order.

    For pages that link to many of their cohort's pages (the navigation bar, the home page's
    cards): the request's session token, mount point and memo are looked up once, not per link.
    """
    memo = _memo()
    root = request.script_root
    token = _token()
    query = urlencode({TOKEN_PARAM: token}) if token is not None else ""
    links = []
    for endpoint in endpoints:
        key = (root, endpoint, cohort_id)
        url = memo.get(key)
        if url is None:
            url = url_for(endpoint, cohort_id=cohort_id)
            _remember(memo, key, url)
        links.append(url + ("&" if "?" in url else "?") + query if query else url)
    return links


def add_token(url: str) -> str:
    """Append the session token to ``url`` when needed (cookieless mode), else return it."""
    token = _token()
    if token is None:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({TOKEN_PARAM: token})


def session_field() -> Markup:
    """A hidden form field with the session token in cookieless mode (empty otherwise)."""
    token = _token()
    if token is None:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(TOKEN_PARAM, escape(token))


def frame_ancestors(origins: tuple[str, ...], configured: str) -> str:
    """The CSP ``frame-ancestors`` source list: registered platforms plus configured hosts."""
    sources = ["'self'", *origins, *configured.split()]
    return " ".join(dict.fromkeys(sources))


def install_security_headers(app: Flask) -> None:
    """Add the headers every response needs (framing by Canvas only, no Referer leaks)."""
    registry = get_runtime(app).registry
    cached: dict[tuple[str, ...], str] = {}
    static_prefix = (app.static_url_path or "/static") + "/"

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        # The session token can travel in URLs; never let it leave in a Referer.
        headers["Referrer-Policy"] = "no-referrer"
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Pages show a person's own data and their URLs may carry the session token: no cache
        # (shared or the browser's own) keeps them. Views that publish something (the key set)
        # say so themselves; static files keep their own validators.
        if "Cache-Control" not in headers and not request.path.startswith(static_prefix):
            headers["Cache-Control"] = "no-store"
        if request.is_secure:
            # Behind CTOM_PROXY_FIX the proxy's scheme counts; over plain HTTP (local demo, tests)
            # the header would be ignored anyway, and would pin a host that has no TLS.
            headers["Strict-Transport-Security"] = "max-age=31536000"
        # Canvas frames the tool, so no X-Frame-Options; CSP says who may frame it.
        origins = registry.platform_origins()
        policy = cached.get(origins)
        if policy is None:
            cached.clear()
            policy = "frame-ancestors " + frame_ancestors(
                origins, str(app.config.get("LTI_FRAME_ANCESTORS") or "")
            )
            cached[origins] = policy
        headers["Content-Security-Policy"] = policy
        return response
