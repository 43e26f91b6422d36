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

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
}


def script_json(value: Any) -> str:
    """JSON safe to embed in an inline ``<script>`` (no ``</script>`` or HTML breakouts)."""
    return json.dumps(value, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


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
