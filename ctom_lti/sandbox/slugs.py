"""Wiki page slugs: stringex ``to_url`` plus WikiPage's uniqueness rule (canvas-rest.md §4.7).

The conversions follow the order of stringex ``remove_formatting``; rarely used ones (vulgar
fractions, most HTML entities) are reduced to what ``unicodedata`` and ``html.unescape`` give,
which the reference does not pin down further.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Collection

_TAGS = re.compile(r"<[^>]*>")
_SMART = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
_CURRENCY = [
    (re.compile(r"\$\s*(\d+)(?:\.(\d+))?"), "dollars"),
    (re.compile(r"€\s*(\d+)(?:\.(\d+))?"), "euros"),
    (re.compile(r"£\s*(\d+)(?:\.(\d+))?"), "pounds"),
    (re.compile(r"¥\s*(\d+)(?:\.(\d+))?"), "yen"),
]
_WORDS = [
    (re.compile(r"\.\.\."), " dot dot dot "),
    (re.compile(r"(\S)\.(\S)"), r"\1 dot \2"),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*@\s*"), " at "),
    (re.compile(r"\s*%\s*"), " percent "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*#\s*"), " number "),
    (re.compile(r"\s*\*\s*"), " star "),
    (re.compile(r"\s*[/\\]\s*"), " slash "),
    (re.compile(r"\s*°\s*"), " degrees "),
    (re.compile(r"\s*÷\s*"), " divide "),
]
_APOSTROPHE = re.compile(r"(\w)'(\w)")
_TO_SPACE = re.compile(r"[.,:;(){}\[\]?!^'\"_|<>]")
_NON_WORD = re.compile(r"[^a-z0-9\-\s]")


def to_url(title: str) -> str:
    """The slug Canvas derives from ``title`` (``Week 1 - Intro`` → ``week-1-intro``)."""
    text = _TAGS.sub("", title)
    text = html.unescape(text).translate(_SMART)
    # accented letters and other Unicode → ASCII
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    for pattern, unit in _CURRENCY:
        text = pattern.sub(_money(unit), text)
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    text = _APOSTROPHE.sub(r"\1\2", text)
    text = _TO_SPACE.sub(" ", text)
    text = text.encode("ascii", "ignore").decode().lower()
    text = _NON_WORD.sub("", text)
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"-{2,}", "-", text)
    return text.strip("-")


def _money(unit: str) -> Callable[[re.Match[str]], str]:
    """``$10`` → `` 10 dollars ``, ``$1.50`` → `` 1 dollars 50 cents ``."""

    def replace(m: re.Match[str]) -> str:
        cents = f"{m.group(2)} cents " if m.group(2) else ""
        return f" {m.group(1)} {unit} {cents}"

    return replace


def unique_url(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… — never ``-1`` — whichever is free."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def titleize(slug: str) -> str:
    """Rails ``titleize``: the title of a page created by PUT (``week-1`` → ``Week 1``)."""
    return " ".join(
        word[:1].upper() + word[1:] for word in slug.replace("_", "-").split("-") if word
    )
