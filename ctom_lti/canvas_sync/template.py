"""The tiny template language of the course spec: ``{scope.name}`` placeholders, nothing else.

No attribute access, no expressions, no format specs: a spec file is edited by admins, and a
template can only name values the desired-state builder puts in its context. ``{{`` and ``}}``
write literal braces.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from ctom_lti.errors import Unprocessable

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


class TemplateError(Unprocessable, ValueError):
    """A template names a placeholder that does not exist or is badly written."""


def placeholders(template: str) -> list[str]:
    """The placeholder names used in ``template``, in order (``{{``/``}}`` are not ones)."""
    names = []
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if name is None:
            continue
        if not _NAME.match(name.strip()):
            raise TemplateError(
                f"{{{name}}} is not a placeholder; write one like {{principle.name}}"
            )
        names.append(name.strip())
    stray = _TOKEN.sub("", template)
    if "{" in stray or "}" in stray:
        raise TemplateError("an unmatched { or } (write {{ or }} for a literal brace)")
    return names


def render(template: str, values: Mapping[str, str], *, html_text: bool = False) -> str:
    """Fill ``template`` from ``values``.

    :param html_text: the result is HTML: plain values are escaped, ``*_html`` values are not.
    :raises TemplateError: a placeholder has no value here.
    """

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in ("{{", "}}"):
            return text[0]
        name = match.group(1).strip()
        if name not in values:
            raise TemplateError(f"{{{name}}} cannot be used here")
        value = values[name]
        if html_text and not name.endswith("_html"):
            return html.escape(value, quote=False)
        return value

    return _TOKEN.sub(replace, template)
