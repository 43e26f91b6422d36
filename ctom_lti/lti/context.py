"""The launch, parsed once into a typed, frozen :class:`LaunchContext`.

Nothing outside ``ctom_lti.lti`` reads claims: views and services see this object (or the
session-bound :class:`ctom_lti.lti.session_launch.SessionLaunch` made from it). Canvas's
oddities are handled in one place, :func:`apply_canvas_quirks`, before any field is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ctom_lti.errors import LaunchError
from ctom_lti.lti import claims
from ctom_lti.lti.canvas_variables import is_unexpanded_variable
from ctom_lti.lti.roles import RoleDecision, RoleInput, decide_roles, parse_canvas_membership_roles

#: Longest text a claim may hold; matches the ``String(255)`` column it lands in.
_MAX_TEXT = 255
_MAX_URL = 1024

# Custom fields our developer key asks Canvas to expand (config_json.CUSTOM_FIELDS).
CUSTOM_CANVAS_USER_ID = "canvas_user_id"
CUSTOM_CANVAS_COURSE_ID = "canvas_course_id"
CUSTOM_CANVAS_MEMBERSHIP_ROLES = "canvas_membership_roles"
CUSTOM_CANVAS_API_BASE_URL = "canvas_api_base_url"
# The custom parameters deep-linked resource links carry (ctom_page, principle_key) are the page
# vocabulary of ctom_lti.links.


#: Keys old Canvas tokens carry inside claims that mean nothing (canvas-lti.md §10.12).
_NOISE = frozenset({"errors", "validation_context"})


class LaunchContextError(LaunchError, ValueError):
    """A validated launch lacks something the tool needs (e.g. it was not made from a course)."""


@dataclass(frozen=True)
class DeepLinkSettings:
    """The platform's deep-linking request (LTI Deep Linking 2.0 §4.4.1, canvas-lti.md §4.3)."""

    return_url: str
    accept_types: tuple[str, ...]
    accept_presentation_document_targets: tuple[str, ...]
    accept_multiple: bool
    #: Opaque value to echo back; Canvas keeps its own data in the return URL and sends none.
    data: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class LaunchContext:
    """Who launched, from which course, in which roles — everything the tool uses from a launch."""

    issuer: str
    client_id: str
    #: LTI ``deployment_id`` (``<tool id>:<context hash>`` on Canvas).
    deployment_id: str
    message_type: str
    #: LTI ``sub``: the Canvas user's ``lti_id`` UUID.
    sub: str
    #: LTI ``context.id``: Canvas's opaque 40-hex course id.
    context_id: str
    roles: RoleDecision
    lti_roles: tuple[str, ...] = ()
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    #: SIS user id (LIS ``person_sourcedid``), when the privacy level shares it.
    person_sourcedid: str | None = None
    context_title: str | None = None
    context_label: str | None = None
    #: Canvas numeric course id from ``$Canvas.course.id``.
    canvas_course_id: str | None = None
    #: Canvas numeric user id from ``$Canvas.user.id``.
    canvas_user_id: str | None = None
    #: Raw ``$Canvas.membership.roles`` labels (enrollment types or custom role names).
    canvas_membership_roles: tuple[str, ...] = ()
    #: ``$Canvas.api.baseUrl``, e.g. ``https://school.instructure.com``.
    canvas_api_base_url: str | None = None
    resource_link_id: str | None = None
    target_link_uri: str | None = None
    placement: str | None = None
    return_url: str | None = None
    custom: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    ags_lineitems_url: str | None = None
    ags_lineitem_url: str | None = None
    ags_scopes: tuple[str, ...] = ()
    nrps_url: str | None = None
    deep_link: DeepLinkSettings | None = None

    @property
    def is_deep_link(self) -> bool:
        return self.message_type == claims.DEEP_LINKING_REQUEST

    @property
    def display_name(self) -> str:
        return self.name or " ".join(p for p in (self.given_name, self.family_name) if p) or "You"


def apply_canvas_quirks(body: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of the claims with Canvas's known oddities smoothed out.

    - ``aud`` may be a string (Canvas) or a list (the spec allows both); keep it, callers use
      :func:`audience_client_id`.
    - Old tokens carry ``errors`` / ``validation_context`` noise at the top level and inside
      claims, and ``null`` inside nested claims (canvas-lti.md §4.2, §10.12): dropped.
    - A variable Canvas could not expand arrives as its own name — ``lis.person_sourcedid`` is
      ``"$Person.sourcedId"`` for a user without an SIS id, a custom field ``"$Canvas.xxx"``
      (:mod:`ctom_lti.lti.canvas_variables`): dropped, top level and inside claims, so it is
      never stored as a value.
    - Custom values: numbers were JSON numbers in older tokens and strings now (§10.13).
      Everything becomes a string or is dropped.
    """
    cleaned: dict[str, Any] = {}
    for key, raw in body.items():
        if key in _NOISE or is_unexpanded_variable(raw):
            continue
        if isinstance(raw, dict):
            cleaned[key] = {
                k: v
                for k, v in raw.items()
                if v is not None and k not in _NOISE and not is_unexpanded_variable(v)
            }
        else:
            cleaned[key] = raw
    custom = cleaned.get(claims.CUSTOM)
    cleaned[claims.CUSTOM] = _clean_custom(custom if isinstance(custom, dict) else {})
    return cleaned


def audience_client_id(body: Mapping[str, Any]) -> str | None:
    """The client id a token is for: ``azp`` when several audiences are listed, else ``aud``."""
    aud = body.get("aud")
    if isinstance(aud, str):
        return aud
    if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
        azp = body.get("azp")
        if len(aud) > 1:
            # OIDC Core §2: with several audiences the authorised party names the client.
            return azp if isinstance(azp, str) and azp in aud else None
        first: str = aud[0]
        return first
    return None


def _clean_custom(custom: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in custom.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, int | float):
            out[key] = str(value)
        elif isinstance(value, str) and not is_unexpanded_variable(value):
            out[key] = value
    return out


def _text(value: Any, limit: int = _MAX_TEXT) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > limit:
        # Cutting would merge two ids that differ only past the limit; refuse instead.
        raise LaunchContextError(f"A value in this launch is longer than {limit} characters.")
    return value or None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def parse_launch(
    body: Mapping[str, Any], *, mentor_labels: frozenset[str] = frozenset({"mentor"})
) -> LaunchContext:
    """Build the :class:`LaunchContext` from a validated id_token body.

    :raises LaunchContextError: when the launch lacks a course context or a user.
    """
    body = apply_canvas_quirks(body)
    context = body.get(claims.CONTEXT) or {}
    context_id = _text(context.get("id")) if isinstance(context, dict) else None
    if not context_id:
        raise LaunchContextError(
            "This launch did not come from a course. CTO Mentor works inside a cohort's "
            "Canvas course."
        )
    sub = _text(body.get("sub"))
    if not sub:
        raise LaunchContextError("This launch does not say who you are.")
    custom: dict[str, str] = body[claims.CUSTOM]
    membership_roles = parse_canvas_membership_roles(custom.get(CUSTOM_CANVAS_MEMBERSHIP_ROLES))
    lti_roles = _strings(body.get(claims.ROLES))
    decision = decide_roles(
        RoleInput(
            lti_roles=lti_roles,
            canvas_membership_roles=membership_roles,
            role_scope_mentor=_strings(body.get(claims.ROLE_SCOPE_MENTOR)),
            mentor_labels=mentor_labels,
        )
    )
    resource_link = body.get(claims.RESOURCE_LINK)
    lis = body.get(claims.LIS)
    presentation = body.get(claims.LAUNCH_PRESENTATION)
    ags = body.get(claims.AGS_ENDPOINT)
    nrps = body.get(claims.NRPS)
    return LaunchContext(
        issuer=str(body.get("iss", "")),
        client_id=audience_client_id(body) or "",
        deployment_id=str(body.get(claims.DEPLOYMENT_ID, "")),
        message_type=str(body.get(claims.MESSAGE_TYPE, "")),
        sub=sub,
        context_id=context_id,
        roles=decision,
        lti_roles=lti_roles,
        name=_text(body.get("name")),
        given_name=_text(body.get("given_name")),
        family_name=_text(body.get("family_name")),
        email=_text(body.get("email"), 320),
        person_sourcedid=_text(lis.get("person_sourcedid")) if isinstance(lis, dict) else None,
        context_title=_text(context.get("title")),
        context_label=_text(context.get("label")),
        canvas_course_id=_text(custom.get(CUSTOM_CANVAS_COURSE_ID), 64),
        canvas_user_id=_text(custom.get(CUSTOM_CANVAS_USER_ID), 64),
        canvas_membership_roles=membership_roles,
        canvas_api_base_url=_text(custom.get(CUSTOM_CANVAS_API_BASE_URL), _MAX_URL),
        resource_link_id=(
            _text(resource_link.get("id")) if isinstance(resource_link, dict) else None
        ),
        target_link_uri=_text(body.get(claims.TARGET_LINK_URI), _MAX_URL),
        placement=_text(body.get(claims.CANVAS_PLACEMENT)),
        return_url=(
            _text(presentation.get("return_url"), _MAX_URL)
            if isinstance(presentation, dict)
            else None
        ),
        custom=MappingProxyType(custom),
        ags_lineitems_url=_text(ags.get("lineitems"), _MAX_URL) if isinstance(ags, dict) else None,
        ags_lineitem_url=_text(ags.get("lineitem"), _MAX_URL) if isinstance(ags, dict) else None,
        ags_scopes=_strings(ags.get("scope")) if isinstance(ags, dict) else (),
        nrps_url=(
            _text(nrps.get("context_memberships_url"), _MAX_URL) if isinstance(nrps, dict) else None
        ),
        deep_link=_deep_link(body.get(claims.DEEP_LINKING_SETTINGS)),
    )


def _deep_link(settings: Any) -> DeepLinkSettings | None:
    if not isinstance(settings, dict):
        return None
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
        return None
    accept_multiple = settings.get("accept_multiple", False)
    data = settings.get("data")
    return DeepLinkSettings(
        return_url=return_url,
        accept_types=_strings(settings.get("accept_types")),
        accept_presentation_document_targets=_strings(
            settings.get("accept_presentation_document_targets")
        ),
        accept_multiple=accept_multiple in (True, "true"),
        data=data if isinstance(data, str) else None,
        title=_text(settings.get("title")),
    )
