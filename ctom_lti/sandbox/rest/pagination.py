"""Canvas pagination (canvas-rest.md §3): ``page``/``per_page`` and an absolute ``Link`` header.

Links are built on the request's own scheme and Host header, so a client that called
``127.0.0.1`` gets ``127.0.0.1`` links and one that called ``localhost`` gets ``localhost`` —
canvasapi only follows links that start with its own base URL (§0.3).

Two kinds, as in Canvas:

- numbered pages (:func:`paginate`): ``page=2``; ``last`` only where Canvas counts the total;
- bookmarked collections (:func:`paginate_bookmarked`): ``page=first``, then
  ``page=bookmark:<opaque>`` naming the last row seen; links ``current``, ``next``, ``first`` —
  never ``prev`` or ``last``, so a client can only follow ``next``. Canvas source:
  ``app/controllers/enrollments_api_controller.rb`` ``index`` wraps enrollments in
  ``ShardedBookmarkedCollection.build(bookmarker, enrollments, always_use_bookmarks: true)``
  ordered by (type, sortable name, id); ``gems/bookmarked_collection`` ``bookmark_to_page``
  writes ``"bookmark:" + JSONToken.encode(values)`` (base64 of JSON) and ``page_to_bookmark``
  reads ``page=first`` — or a bookmark it cannot decode — as the first page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Response, jsonify, request

from ctom_lti.sandbox.rest.params import raw_query_pairs

T = TypeVar("T")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
_DROPPED = {"page", "per_page", "access_token", "api_key"}


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int


def page_request(
    args: dict[str, str], default: int = DEFAULT_PER_PAGE, maximum: int = MAX_PER_PAGE
) -> PageRequest:
    """Clamp ``per_page`` to 1..maximum; a missing or unreadable ``page`` means page 1."""
    try:
        per_page = int(args.get("per_page", default))
    except ValueError:
        per_page = default
    try:
        page = int(args.get("page", 1))
    except ValueError:
        page = 1
    return PageRequest(page=max(1, page), per_page=min(maximum, max(1, per_page)))


def _query_prefix(query_pairs: list[tuple[str, str]]) -> str:
    # Rails ``to_query`` sorts the encoded ``key=value`` pieces
    return "&".join(
        sorted(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query_pairs if k not in _DROPPED
        )
    )


def _links(
    base: str, query_pairs: list[tuple[str, str]], per_page: int, rels: list[tuple[str, str]]
) -> str:
    """``<url>; rel="…"`` entries, comma-joined, for ``(page value, rel)`` pairs."""
    prefix = _query_prefix(query_pairs)

    def url(page: str) -> str:
        paging = f"page={page}&per_page={per_page}"
        return f"{base}?{prefix}&{paging}" if prefix else f"{base}?{paging}"

    return ",".join(f'<{url(page)}>; rel="{rel}"' for page, rel in rels)


def link_header(
    base: str,
    query_pairs: list[tuple[str, str]],
    current: PageRequest,
    total: int,
    *,
    with_last: bool = True,
) -> str:
    """``<url>; rel="current",…`` in Canvas's order: current, next, prev, first, last."""
    last = max(1, -(-total // current.per_page))
    rels = [(current.page, "current")]
    if current.page < last:
        rels.append((current.page + 1, "next"))
    if current.page > 1:
        rels.append((current.page - 1, "prev"))
    rels.append((1, "first"))
    if with_last:
        rels.append((last, "last"))
    return _links(base, query_pairs, current.per_page, [(str(p), rel) for p, rel in rels])


def paginate(
    items: Sequence[T],
    render: Callable[[T], Any],
    *,
    default: int = DEFAULT_PER_PAGE,
    maximum: int = MAX_PER_PAGE,
    with_last: bool = True,
) -> Response:
    """One page of ``items`` as a JSON array; a page past the end is ``200 []`` (§3)."""
    current = page_request(request.args.to_dict(flat=True), default, maximum)
    start = (current.page - 1) * current.per_page
    chunk = items[start : start + current.per_page]
    resp = jsonify([render(item) for item in chunk])
    base = f"{request.scheme}://{request.host}{request.path}"
    resp.headers["Link"] = link_header(
        base, raw_query_pairs(), current, len(items), with_last=with_last
    )
    return resp


FIRST_PAGE = "first"
_BOOKMARK = "bookmark:"


def encode_bookmark(values: Sequence[Any]) -> str:
    """``bookmark:`` + URL-safe base64 of the JSON of the last row's ordering values."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return _BOOKMARK + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_bookmark(page: str | None) -> list[Any] | None:
    """The ordering values a ``page=bookmark:…`` names; ``None`` for the first page.

    A numbered ``page=2`` or an unreadable bookmark also reads as the first page
    (``page_to_bookmark`` rescues a failed decode).
    """
    if not page or not page.startswith(_BOOKMARK):
        return None
    token = page[len(_BOOKMARK) :]
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) else None


def paginate_bookmarked(
    items: Sequence[T],
    render: Callable[[T], Any],
    *,
    key: Callable[[T], tuple[Any, ...]],
    default: int = DEFAULT_PER_PAGE,
    maximum: int = MAX_PER_PAGE,
) -> Response:
    """One page of a bookmarked collection ordered by ``key`` (see the module docstring)."""
    per_page = page_request(request.args.to_dict(flat=True), default, maximum).per_page
    ordered = sorted(items, key=key)
    page = request.args.get("page")
    after = decode_bookmark(page)
    start = 0
    if after is not None:
        try:
            start = next(
                (i for i, item in enumerate(ordered) if list(key(item)) > after), len(ordered)
            )
        except TypeError:  # a bookmark whose values do not compare with this collection's
            start = 0
    chunk = ordered[start : start + per_page]
    resp = jsonify([render(item) for item in chunk])
    rels = [(page if after is not None and page else FIRST_PAGE, "current")]
    if chunk and start + per_page < len(ordered):
        rels.append((encode_bookmark(key(chunk[-1])), "next"))
    rels.append((FIRST_PAGE, "first"))
    base = f"{request.scheme}://{request.host}{request.path}"
    resp.headers["Link"] = _links(base, raw_query_pairs(), per_page, rels)
    return resp
