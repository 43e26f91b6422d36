"""The exports' own Jinja environment: autoescaped templates in this package, with the few
filters they share. Not Flask's: an export renders in a command or a background thread too."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ctom_lti.tools.portfolio.export.names import safe_href


def _when(value: datetime | None) -> str:
    return value.strftime("%d %B %Y, %H:%M %Z").strip().rstrip(",") if value else ""


def _day(value: date | None) -> str:
    return value.strftime("%d %B %Y") if value else "…"


def _filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ctom_lti.tools.portfolio.export", "templates"),
        autoescape=select_autoescape(("html", "css"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=_when, day=_day, filesize=_filesize, href=safe_href)
    return env
