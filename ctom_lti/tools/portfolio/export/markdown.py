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
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Sanitised HTML for ``text``; headings are shifted down so a reflection's own ``#`` never
    competes with the export's headings (and its bookmarks)."""
    html = _parser().render(text)
    for level in range(6, 0, -1):
        shifted = min(level + 3, 6)
        html = html.replace(f"<h{level}>", f"<h{shifted}>").replace(
            f"</h{level}>", f"</h{shifted}>"
        )
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer",
    )
