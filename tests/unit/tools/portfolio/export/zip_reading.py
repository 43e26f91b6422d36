"""Reading an exported zip back: its pages and every link and source in them."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append((tag, name, value))


def page_urls(archive: zipfile.ZipFile, page: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) for every href and src on ``page``."""
    parser = _Links()
    parser.feed(archive.read(page).decode("utf-8"))
    return parser.urls


def page_tags(archive: zipfile.ZipFile, page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Links()
    parser.feed(archive.read(page).decode("utf-8"))
    return parser.tags
