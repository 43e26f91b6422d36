"""Canvas pagination (canvas-rest.md §3): ``page``/``per_page`` and an absolute ``Link`` header.

Links are built on the request's own scheme and Host header, so a client that called
``127.0.0.1`` gets ``127.0.0.1`` links and one that called ``localhost`` gets ``localhost`` —
canvasapi only follows links that start with its own base URL (§0.3).
"""

from __future__ import annotations

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


def link_header(
    base: str,
    query_pairs: list[tuple[str, str]],
    current: PageRequest,
    total: int,
    *,
    with_last: bool = True,
) -> str:
    """``<url>; rel="current",…`` in Canvas's order: current, next, prev, first, last."""
    # Rails ``to_query`` sorts the encoded ``key=value`` pieces
    prefix = "&".join(
        sorted(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query_pairs if k not in _DROPPED
        )
    )

    def url(page: int) -> str:
        paging = f"page={page}&per_page={current.per_page}"
        return f"{base}?{prefix}&{paging}" if prefix else f"{base}?{paging}"

    last = max(1, -(-total // current.per_page))
    rels = [(current.page, "current")]
    if current.page < last:
        rels.append((current.page + 1, "next"))
    if current.page > 1:
        rels.append((current.page - 1, "prev"))
    rels.append((1, "first"))
    if with_last:
        rels.append((last, "last"))
    return ",".join(f'<{url(page)}>; rel="{rel}"' for page, rel in rels)


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
