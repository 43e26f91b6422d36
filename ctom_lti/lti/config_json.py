"""The Canvas developer-key JSON for one deployment of the tool (canvas-lti.md §7.1).

Canvas admins either paste this JSON or point the key at ``/lti/config.json`` ("Enter URL"); the
sandbox builds its developer keys from the same document.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ctom_lti import links
from ctom_lti.lti import claims

TOOL_ID = "ctom-lti"
DEFAULT_TITLE = "CTO Mentor"
DEFAULT_DESCRIPTION = (
    "CTO Mentor Program: mentor pairing, monthly mentor reports, portfolio reflections and the "
    "programme completion check."
)

#: Custom fields every launch carries (canvas-lti.md §4.5); read back in ``context.py``.
CUSTOM_FIELDS: dict[str, str] = {
    "canvas_user_id": "$Canvas.user.id",
    "canvas_course_id": "$Canvas.course.id",
    "canvas_membership_roles": "$Canvas.membership.roles",
    "canvas_api_base_url": "$Canvas.api.baseUrl",
}

LOGIN_PATH = "/lti/login"
LAUNCH_PATH = links.LAUNCH_PATH
JWKS_PATH = "/.well-known/jwks.json"


def redirect_uris(base_url: str) -> list[str]:
    """Every ``redirect_uri`` the tool sends; all must be listed on the developer key."""
    return [base_url.rstrip("/") + LAUNCH_PATH]


def developer_key_config(
    base_url: str, *, title: str = DEFAULT_TITLE, description: str = DEFAULT_DESCRIPTION
) -> dict[str, Any]:
    """Build the developer-key JSON for a tool served at ``base_url``."""
    base = base_url.rstrip("/")
    launch_url = base + LAUNCH_PATH
    return {
        "title": title,
        "description": description,
        "oidc_initiation_url": base + LOGIN_PATH,
        "target_link_uri": launch_url,
        "public_jwk_url": base + JWKS_PATH,
        "scopes": list(claims.TOOL_SCOPES),
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": urlsplit(base).netloc,
                "tool_id": TOOL_ID,
                # "public" is needed for names, emails and role_scope_mentor (canvas-lti.md §4.2).
                "privacy_level": "public",
                "settings": {
                    "text": title,
                    "placements": [
                        {
                            "placement": "course_navigation",
                            "message_type": claims.RESOURCE_LINK_REQUEST,
                            "target_link_uri": launch_url,
                            "text": title,
                            "default": "enabled",
                            "visibility": "members",
                        },
                        {
                            "placement": "link_selection",
                            "message_type": claims.DEEP_LINKING_REQUEST,
                            "target_link_uri": launch_url,
                            "text": title,
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": claims.DEEP_LINKING_REQUEST,
                            "target_link_uri": launch_url,
                            "text": title,
                        },
                    ],
                },
            }
        ],
        "custom_fields": dict(CUSTOM_FIELDS),
        # Canvas keeps redirect URIs in a separate developer-key field (canvas-lti.md §7.1 says
        # so, marked "inferred"); they are listed here for the admin to copy, and Canvas is
        # expected to ignore the extra key. Tolerant either way: nothing reads it back but the
        # sandbox.
        "redirect_uris": redirect_uris(base),
    }
