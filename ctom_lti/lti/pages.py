"""The two tiny pages on the launch path, filled in without a template engine.

They sit on the hot path (Canvas sends ``lti_storage_target`` with every login), so the HTML is
read once from ``templates/lti/`` and each request only substitutes escaped values.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import escape

_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
)


def script_json(value: Any) -> str:
    """JSON safe to embed in an inline ``<script>`` (no ``</script>`` or HTML breakouts)."""
    text = json.dumps(value, separators=(",", ":"))
    # One replace per character rather than ``str.translate``, which looks every character of
    # the page's JSON (Canvas's long login hints) up in a table; on a login that showed.
    for char, escaped in _SCRIPT_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


@cache
def _template(name: str) -> str:
    return resources.files("ctom_lti").joinpath("templates", "lti", name).read_text("utf-8")


def render(name: str, *, config: Any, **html_values: str) -> str:
    """Fill ``__CONFIG__`` with ``config`` as script JSON and ``__NAME__`` with HTML-escaped
    values."""
    page = _template(name).replace("__CONFIG__", script_json(config))
    for key, value in html_values.items():
        page = page.replace(f"__{key.upper()}__", str(escape(value)))
    return page
