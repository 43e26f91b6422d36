"""A reflection's Markdown as safe HTML for an export.

markdown-it-py renders CommonMark with raw HTML turned off (typed tags come out as text), then
nh3 keeps only the tags and attributes a reflection needs and only ``http``, ``https`` and
``mailto`` links. No images: an export must never fetch anything a reflection names (artifacts
are shown from the portfolio's own files instead).
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

_TAGS = frozenset(
    {
        "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str, top_level: int = 3) -> str:
    """Sanitised HTML for ``text``.

    The reflection's own headings are renumbered to follow the export's: the highest level it
    uses becomes ``top_level`` and each further level one more (at most ``h6``), so levels
    never skip and a reflection's ``#`` never competes with the export's headings and bookmarks.
    """
    parser = _parser()
    tokens = parser.parse(text)
    used = sorted({t.tag for t in tokens if t.type in ("heading_open", "heading_close")})
    levels = {tag: f"h{min(top_level + i, 6)}" for i, tag in enumerate(used)}
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = levels[token.tag]
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer",
    )
