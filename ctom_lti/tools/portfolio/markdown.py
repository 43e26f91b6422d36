"""Reflections' Markdown to safe HTML: CommonMark (markdown-it-py, raw HTML off), then nh3.

Two locks, on purpose: the parser never passes HTML through and refuses ``javascript:`` and
similar link targets, and the sanitiser keeps only the tags, attributes and URL schemes a
reflection needs, whatever the parser produced.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_TAGS = frozenset(
    {
        "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
        "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_markdown(text: str) -> Markup:
    """``text`` (a reflection or comment as typed) as HTML safe to put in a page."""
    html = _parser().render(text)
    clean = nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised just above
