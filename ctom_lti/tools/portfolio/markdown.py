"""Reflections' and comments' Markdown to safe HTML, for the portfolio's pages and its exports.

Two locks, on purpose: the parser (CommonMark, markdown-it-py) never passes HTML through and
refuses ``javascript:`` and similar link targets, and the sanitiser (nh3) keeps only the tags,
attributes and URL schemes a reflection needs, whatever the parser produced. No images: a page
or an export must never fetch anything a reflection names (artifacts are shown from the
portfolio's own files instead).
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_TAGS = frozenset(
    {
        "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "del",
        "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = frozenset({"http", "https", "mailto"})
_HEADING = ("heading_open", "heading_close")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str, top_level: int | None = None) -> Markup:
    """``text`` (a reflection or comment as typed) as HTML safe to put in a page or an export.

    With ``top_level``, the text's own headings are renumbered to follow the surrounding
    document's: the highest level it uses becomes ``top_level`` and each further level one
    more (at most ``h6``), so levels never skip and a reflection's ``#`` never competes with an
    export's headings and bookmarks.
    """
    parser = _parser()
    tokens = parser.parse(text)
    if top_level is not None:
        used = sorted({t.tag for t in tokens if t.type in _HEADING})
        levels = {tag: f"h{min(top_level + i, 6)}" for i, tag in enumerate(used)}
        for token in tokens:
            if token.type in _HEADING:
                token.tag = levels[token.tag]
    clean = nh3.clean(
        parser.renderer.render(tokens, parser.options, {}),
        tags=set(_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised just above
