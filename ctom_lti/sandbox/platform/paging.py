"""Pagination of the LTI service endpoints: ``limit`` + ``page`` and an absolute ``Link`` header.

canvas-lti.md §5.2 (NRPS: ``limit`` default and max 50) and §5.3/§5.5 (line items and results:
Canvas's standard 10 per page). Links keep every filter, percent-encoded, so a role URI's ``#``
and its upper-case letters survive (pylti1p3 2.0.0 lowercased them, pylti1p3-notes.md §2.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from flask import request

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    last: int


def read_page(default_size: int, max_size: int, total: int) -> Page:
    """Page number and size from ``page`` and ``limit`` (bad values fall back to defaults)."""
    try:
        size = int(request.args.get("limit", default_size))
    except ValueError:
        size = default_size
    size = min(max_size, max(1, size))
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    last = max(1, -(-total // size))
    return Page(number=number, size=size, last=last)


def slice_page(items: Sequence[T], page: Page) -> list[T]:
    start = (page.number - 1) * page.size
    return list(items[start : start + page.size])


def link_header(page: Page) -> str:
    """``<url>; rel="current", <url>; rel="next", ...`` on the request's own host."""
    base = request.base_url
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in {"page", "limit"}]

    def url(number: int) -> str:
        return f"{base}?{urlencode([*kept, ('page', str(number)), ('limit', str(page.size))])}"

    links = [f'<{url(page.number)}>; rel="current"']
    if page.number < page.last:
        links.append(f'<{url(page.number + 1)}>; rel="next"')
    if page.number > 1:
        links.append(f'<{url(min(page.number - 1, page.last))}>; rel="prev"')
    links.append(f'<{url(1)}>; rel="first"')
    links.append(f'<{url(page.last)}>; rel="last"')
    return ",".join(links)
