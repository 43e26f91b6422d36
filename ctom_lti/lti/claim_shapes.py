"""The shape every claim the tool reads must have, checked before any of them is used.

A platform-signed token is trusted to come from the platform, not to be well formed: a list where
a string belongs, or an id longer than the column it is stored in, must be refused with a clear
page rather than crash a later step or be cut short (two people whose ``sub`` differ only after
character 255 must never become one person).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ctom_lti.lti import claims
from ctom_lti.text import has_control

Kind = Literal["id", "text", "url", "strings", "object", "scalar"]

#: Identifiers and the columns they land in are ``String(255)``.
ID_MAX = 255
URL_MAX = 1024
#: Canvas's numeric ids land in ``String(64)`` columns.
CANVAS_ID_MAX = 64

#: (path of the claim, kind, longest length). A claim that is absent (or ``null``, which Canvas
#: sends for what it does not share) passes; requiredness is checked by the step that needs it.
_SHAPES: tuple[tuple[tuple[str, ...], Kind, int], ...] = (
    (("sub",), "id", ID_MAX),
    (("nonce",), "id", ID_MAX),
    ((claims.MESSAGE_TYPE,), "id", 64),
    ((claims.VERSION,), "id", 16),
    ((claims.DEPLOYMENT_ID,), "id", ID_MAX),
    ((claims.TARGET_LINK_URI,), "url", URL_MAX),
    (("name",), "text", ID_MAX),
    (("given_name",), "text", ID_MAX),
    (("family_name",), "text", ID_MAX),
    (("email",), "text", 320),
    ((claims.ROLES,), "strings", URL_MAX),
    ((claims.ROLE_SCOPE_MENTOR,), "strings", ID_MAX),
    ((claims.CANVAS_PLACEMENT,), "id", ID_MAX),
    ((claims.CONTEXT,), "object", 0),
    ((claims.CONTEXT, "id"), "id", ID_MAX),
    ((claims.CONTEXT, "title"), "text", ID_MAX),
    ((claims.CONTEXT, "label"), "text", ID_MAX),
    ((claims.RESOURCE_LINK,), "object", 0),
    ((claims.RESOURCE_LINK, "id"), "id", ID_MAX),
    ((claims.LIS,), "object", 0),
    ((claims.LIS, "person_sourcedid"), "text", ID_MAX),
    ((claims.LAUNCH_PRESENTATION,), "object", 0),
    ((claims.LAUNCH_PRESENTATION, "return_url"), "url", URL_MAX),
    ((claims.CUSTOM,), "object", 0),
    ((claims.CUSTOM, "canvas_user_id"), "scalar", CANVAS_ID_MAX),
    ((claims.CUSTOM, "canvas_course_id"), "scalar", CANVAS_ID_MAX),
    ((claims.CUSTOM, "canvas_api_base_url"), "url", URL_MAX),
    ((claims.CUSTOM, "canvas_membership_roles"), "text", URL_MAX),
    ((claims.AGS_ENDPOINT,), "object", 0),
    ((claims.AGS_ENDPOINT, "lineitems"), "url", URL_MAX),
    ((claims.AGS_ENDPOINT, "lineitem"), "url", URL_MAX),
    ((claims.AGS_ENDPOINT, "scope"), "strings", URL_MAX),
    ((claims.NRPS,), "object", 0),
    ((claims.NRPS, "context_memberships_url"), "url", URL_MAX),
    ((claims.DEEP_LINKING_SETTINGS,), "object", 0),
    ((claims.DEEP_LINKING_SETTINGS, "deep_link_return_url"), "url", URL_MAX),
    ((claims.DEEP_LINKING_SETTINGS, "accept_types"), "strings", ID_MAX),
    ((claims.DEEP_LINKING_SETTINGS, "accept_presentation_document_targets"), "strings", ID_MAX),
    ((claims.DEEP_LINKING_SETTINGS, "title"), "text", ID_MAX),
    ((claims.DEEP_LINKING_SETTINGS, "data"), "text", 4096),
)

_KIND_WORDS = {
    "id": "an identifier",
    "text": "a text",
    "url": "an address",
    "strings": "a list of texts",
    "object": "an object",
    "scalar": "a text or number",
}


def _short(path: tuple[str, ...]) -> str:
    # Claim URIs are long; the last segment is what people recognise (``message_type``).
    return ".".join(part.rsplit("/", 1)[-1] for part in path)


def _fits(value: Any, kind: Kind, limit: int) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "strings":
        return (
            isinstance(value, list)
            and len(value) <= 1000
            and all(isinstance(v, str) and len(v) <= limit and not has_control(v) for v in value)
        )
    if kind == "scalar":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return False
        value = str(value)
    if not isinstance(value, str) or len(value) > limit:
        return False
    if kind == "text":
        return "\x00" not in value  # no database stores a NUL; other characters are kept
    return not has_control(value)


def claim_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with the shape of the token's claims (a sentence), or None."""
    for path, kind, limit in _SHAPES:
        holder: Any = body
        for part in path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, Mapping):
            continue
        value = holder.get(path[-1])
        if value is None and kind != "object":
            continue
        if value is None and path[-1] not in holder:
            continue
        if not _fits(value, kind, limit):
            size = f" of at most {limit} characters" if kind not in ("object", "strings") else ""
            return (
                f"The launch's {_short(path)} claim is not {_KIND_WORDS[kind]}{size}; "
                "the tool does not accept it."
            )
    return None
