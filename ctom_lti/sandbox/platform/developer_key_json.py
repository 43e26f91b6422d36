"""A tool's developer-key JSON checked into a key's fields, as Canvas's "Paste JSON" does
(canvas-lti.md §7.1): every problem is collected so the admin can fix them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ctom_lti.sandbox.platform.scopes import KNOWN_SCOPES

PRIVACY_LEVELS = ("public", "name_only", "email_only", "anonymous")
MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")

#: Placement names Canvas accepts (canvas-lti.md §7.1).
_PLACEMENT_NAMES = """global_navigation account_navigation user_navigation course_navigation
    editor_button assignment_edit assignment_selection assignment_view assignment_menu
    assignment_index_menu assignment_group_menu homework_submission collaboration
    course_assignments_menu course_home_sub_navigation course_settings_sub_navigation
    discussion_topic_menu discussion_topic_index_menu file_menu file_index_menu link_selection
    migration_selection module_index_menu module_index_menu_modal module_menu module_menu_modal
    post_grades quiz_menu quiz_index_menu student_context_card tool_configuration wiki_page_menu
    wiki_index_menu submission_type_selection conference_selection"""
KNOWN_PLACEMENTS = frozenset(_PLACEMENT_NAMES.split())

_REQUIRED_JWK_MEMBERS = ("kty", "alg", "use", "kid", "e", "n")


class DeveloperKeyError(ValueError):
    """The configuration was refused; ``problems`` lists every reason, as Canvas's form does."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Placement:
    """One placement of a developer key (canvas-lti.md §7.1 "Per placement")."""

    placement: str
    message_type: str
    target_link_uri: str
    text: str
    enabled: bool = True
    icon_url: str | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    #: course_navigation only: public | members | admins (None = everyone who sees the course)
    visibility: str | None = None
    #: course_navigation only: whether the tab shows without a teacher enabling it
    default: str = "enabled"
    selection_height: int | None = None
    selection_width: int | None = None
    required_permissions: str | None = None

    def settings(self) -> dict[str, Any]:
        """The placement as a ContextExternalTool stores it (and the REST API shows it)."""
        settings: dict[str, Any] = {
            "enabled": self.enabled,
            "text": self.text,
            "label": self.text,
            "url": self.target_link_uri,
            "target_link_uri": self.target_link_uri,
            "message_type": self.message_type,
            "icon_url": self.icon_url,
            "custom_fields": dict(self.custom_fields),
            "selection_height": self.selection_height,
            "selection_width": self.selection_width,
        }
        if self.placement == "course_navigation":
            settings["visibility"] = self.visibility
            settings["default"] = self.default
        if self.required_permissions:
            settings["required_permissions"] = self.required_permissions
        return settings


def parse_configuration(config: dict[str, Any], redirect_uris: list[str]) -> dict[str, Any]:
    """Check a developer-key JSON (canvas-lti.md §7.1) and return the key's fields.

    A pure function: every problem is collected so the admin can fix them all at once.
    """
    problems: list[str] = []
    title = _text(config, "title", problems, required=True)
    login_url = _url(config, "oidc_initiation_url", problems, required=True)
    target = _url(config, "target_link_uri", problems, required=True)
    jwk, jwk_url = _key_material(config, problems)
    ext = _canvas_extension(config, problems)
    settings = ext.get("settings") or {}
    if not isinstance(settings, dict):
        problems.append("extensions[].settings must be an object")
        settings = {}
    privacy = ext.get("privacy_level", config.get("privacy_level"))
    if privacy not in PRIVACY_LEVELS:
        problems.append(f"privacy_level is required and must be one of {', '.join(PRIVACY_LEVELS)}")
    default_text = settings.get("text") if isinstance(settings.get("text"), str) else title
    fields: dict[str, Any] = {
        "name": title,
        "description": _text(config, "description", problems, required=True),
        "oidc_initiation_url": login_url,
        "oidc_initiation_urls": _regional_urls(config, problems),
        "target_link_uri": target,
        "public_jwk": jwk,
        "public_jwk_url": jwk_url,
        "scopes": _scopes(config, problems),
        "privacy_level": privacy,
        "domain": ext.get("domain"),
        "tool_id": ext.get("tool_id"),
        "icon_url": settings.get("icon_url"),
        "selection_height": _int_or_none(settings.get("selection_height")),
        "selection_width": _int_or_none(settings.get("selection_width")),
        "custom_fields": _custom_fields(config.get("custom_fields"), "custom_fields", problems),
        "placement_list": _placements(
            settings.get("placements") or [],
            default_target=target or "",
            default_text=default_text or "",
            default_icon=settings.get("icon_url"),
            problems=problems,
        ),
        "redirect_uris": _redirect_uris(redirect_uris, problems),
        "configuration": config,
    }
    if problems:
        raise DeveloperKeyError(problems)
    return fields


def _text(source: dict[str, Any], name: str, problems: list[str], *, required: bool) -> str | None:
    value = source.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{name} is required")
        return None
    if not isinstance(value, str):
        problems.append(f"{name} must be a string")
        return None
    return value.strip()


def _url(source: dict[str, Any], name: str, problems: list[str], *, required: bool) -> str | None:
    value = _text(source, name, problems, required=required)
    if value is not None and not _is_http_url(value):
        problems.append(f"{name} must be an absolute http(s) URL")
        return None
    return value


def _key_material(
    config: dict[str, Any], problems: list[str]
) -> tuple[dict[str, Any] | None, str | None]:
    """``public_jwk`` and/or ``public_jwk_url``; one of them is required."""
    jwk_url = _url(config, "public_jwk_url", problems, required=False)
    jwk = config.get("public_jwk")
    if jwk is not None and not isinstance(jwk, dict):
        problems.append("public_jwk must be a JSON object")
        jwk = None
    elif jwk is not None:
        missing = [m for m in _REQUIRED_JWK_MEMBERS if not jwk.get(m)]
        if missing:
            # Canvas refuses a JWK without alg/use (tsugi#82, canvas-lti.md §10.6).
            problems.append(f"public_jwk is missing {', '.join(missing)}")
        elif jwk.get("kty") != "RSA" or jwk.get("alg") != "RS256":
            problems.append("public_jwk must be an RSA key with alg RS256")
    if jwk is None and jwk_url is None:
        problems.append("one of public_jwk or public_jwk_url is required")
    return jwk, jwk_url


def _regional_urls(config: dict[str, Any], problems: list[str]) -> dict[str, str]:
    regional = config.get("oidc_initiation_urls") or {}
    if not isinstance(regional, dict) or not all(
        isinstance(v, str) and _is_http_url(v) for v in regional.values()
    ):
        problems.append("oidc_initiation_urls must map region names to http(s) URLs")
        return {}
    return dict(regional)


def _scopes(config: dict[str, Any], problems: list[str]) -> list[str]:
    scopes = config.get("scopes") or []
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        problems.append("scopes must be a list of scope URIs")
        return []
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        problems.append(f"Invalid scopes: {', '.join(unknown)}")
    return list(dict.fromkeys(scopes))


def _redirect_uris(redirect_uris: list[str], problems: list[str]) -> list[str]:
    uris = [u.strip() for u in redirect_uris if u and u.strip()]
    if not uris:
        problems.append("at least one redirect URI is required")
    bad = [u for u in uris if not _is_http_url(u)]
    if bad:
        problems.append(f"redirect URIs must be absolute http(s) URLs: {', '.join(bad)}")
    return uris


def _canvas_extension(config: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    extensions = config.get("extensions") or []
    if not isinstance(extensions, list):
        problems.append("extensions must be a list")
        return {}
    for ext in extensions:
        # "canvas.instructure.com" even for self-hosted Canvas (canvas-lti.md §7.1).
        if isinstance(ext, dict) and ext.get("platform") == "canvas.instructure.com":
            return ext
    return {}


def _placements(
    raw: Any,
    *,
    default_target: str,
    default_text: str,
    default_icon: Any,
    problems: list[str],
) -> list[Placement]:
    if not isinstance(raw, list):
        problems.append("settings.placements must be a list")
        return []
    placements: list[Placement] = []
    for index, item in enumerate(raw):
        where = f"placements[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        name = item.get("placement")
        if name not in KNOWN_PLACEMENTS:
            problems.append(f"{where}: unknown placement {name!r}")
            continue
        message_type = item.get("message_type", "LtiResourceLinkRequest")
        if message_type not in MESSAGE_TYPES:
            problems.append(f"{where}: message_type must be one of {', '.join(MESSAGE_TYPES)}")
            continue
        target = item.get("target_link_uri") or item.get("url") or default_target
        if not isinstance(target, str) or not _is_http_url(target):
            problems.append(f"{where}: target_link_uri must be an absolute http(s) URL")
            continue
        visibility = item.get("visibility")
        if visibility is not None and visibility not in {"public", "members", "admins"}:
            problems.append(f"{where}: visibility must be public, members or admins")
            continue
        enabled = item.get("enabled", True)
        placements.append(
            Placement(
                placement=name,
                message_type=message_type,
                target_link_uri=target,
                text=str(item.get("text") or default_text),
                enabled=enabled not in (False, "false"),
                icon_url=item.get("icon_url") or default_icon,
                custom_fields=_custom_fields(
                    item.get("custom_fields"), f"{where}.custom_fields", problems
                ),
                visibility=visibility,
                default="disabled" if item.get("default") == "disabled" else "enabled",
                selection_height=_int_or_none(item.get("selection_height")),
                selection_width=_int_or_none(item.get("selection_width")),
                required_permissions=item.get("required_permissions"),
            )
        )
    return placements


def _custom_fields(raw: Any, where: str, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        problems.append(f"{where} must be an object of name → value")
        return {}
    return {k: str(v) for k, v in raw.items()}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)
