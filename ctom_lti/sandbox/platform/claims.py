"""The id_token's claims, built by a pure function from facts gathered beforehand.

canvas-lti.md §4.2 (claim-building rules), §4.3 (deep linking), §4.6 (a full example). The nonce
is added later, at the authorize step (§3.3: Canvas replaces its own nonce with the tool's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim"
MESSAGE_TYPE = f"{LTI}/message_type"
VERSION = f"{LTI}/version"
DEPLOYMENT_ID = f"{LTI}/deployment_id"
TARGET_LINK_URI = f"{LTI}/target_link_uri"
RESOURCE_LINK = f"{LTI}/resource_link"
CONTEXT = f"{LTI}/context"
TOOL_PLATFORM = f"{LTI}/tool_platform"
LAUNCH_PRESENTATION = f"{LTI}/launch_presentation"
CUSTOM = f"{LTI}/custom"
ROLES = f"{LTI}/roles"
ROLE_SCOPE_MENTOR = f"{LTI}/role_scope_mentor"
LIS_CLAIM = f"{LTI}/lis"
LTI11_LEGACY_USER_ID = f"{LTI}/lti11_legacy_user_id"
LTI1P1 = f"{LTI}/lti1p1"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
PLACEMENT = "https://www.instructure.com/placement"

COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

#: What Canvas sends in the lis claim for a person / course without an SIS id.
PERSON_SOURCEDID = "$Person.sourcedId"
COURSE_SECTION_SOURCEDID = "$CourseSection.sourcedId"


@dataclass(frozen=True)
class UserFacts:
    sub: str
    #: 40-hex opaque id (``lti11_legacy_user_id``, ``lti1p1.user_id``)
    legacy_id: str
    name: str
    given_name: str
    family_name: str
    email: str | None
    sis_user_id: str | None
    picture: str


@dataclass(frozen=True)
class ContextFacts:
    #: 40-hex opaque id of the course (or account)
    id: str
    #: "Course" or "Account"
    type: str
    title: str
    label: str | None
    sis_id: str | None = None


@dataclass(frozen=True)
class LaunchFacts:
    """What one launch says, already resolved from the store (see :mod:`.launches`)."""

    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    placement: str | None
    target_link_uri: str
    base_url: str
    course_id: int | None
    context: ContextFacts
    user: UserFacts | None
    roles: tuple[str, ...]
    privacy_level: str
    platform_guid: str
    platform_name: str
    custom: dict[str, Any] = field(default_factory=dict)
    #: subs of the observed students (observers only)
    mentee_subs: tuple[str, ...] = ()
    #: {"id", "title", "description"} for LtiResourceLinkRequest
    resource_link: dict[str, Any] | None = None
    #: the key's scopes (AGS/NRPS claims are derived from them)
    scopes: tuple[str, ...] = ()
    #: line item id bound to the launched assignment, if exactly one
    line_item_id: int | None = None
    #: deep_linking_settings for LtiDeepLinkingRequest
    deep_linking_settings: dict[str, Any] | None = None
    selection_height: int | None = None
    selection_width: int | None = None
    locale: str = "en"


def build_claims(
    facts: LaunchFacts, *, iat: int, ags_scopes: tuple[str, ...], nrps_scope: str
) -> dict[str, Any]:
    """The id_token body without ``nonce`` (canvas-lti.md §4.2)."""
    claims: dict[str, Any] = {
        "iss": facts.issuer,
        # aud is the client_id as a plain string, never an array (§4.2).
        "aud": facts.client_id,
        "azp": facts.client_id,
        "iat": iat,
        "exp": iat + 3600,
        DEPLOYMENT_ID: facts.deployment_id,
        TARGET_LINK_URI: facts.target_link_uri,
        MESSAGE_TYPE: facts.message_type,
        VERSION: "1.3.0",
        ROLES: list(facts.roles),
        CONTEXT: _context_claim(facts.context),
        TOOL_PLATFORM: {
            "guid": facts.platform_guid,
            "name": facts.platform_name,
            "version": "cloud",
            "product_family_code": "canvas",
        },
        LAUNCH_PRESENTATION: _presentation(facts),
        "locale": facts.locale,
        CUSTOM: dict(facts.custom),
        PLACEMENT: facts.placement,
    }
    user = facts.user
    if user is not None:
        claims["sub"] = user.sub
        claims[LTI11_LEGACY_USER_ID] = user.legacy_id
        if user.legacy_id != user.sub:
            claims[LTI1P1] = {"user_id": user.legacy_id}
        claims.update(_privacy_claims(facts, user))
    else:
        claims[LTI11_LEGACY_USER_ID] = ""
    if facts.mentee_subs and facts.privacy_level == "public":
        claims[ROLE_SCOPE_MENTOR] = list(facts.mentee_subs)
    if facts.message_type == "LtiResourceLinkRequest" and facts.resource_link is not None:
        claims[RESOURCE_LINK] = dict(facts.resource_link)
    if facts.message_type == "LtiDeepLinkingRequest" and facts.deep_linking_settings is not None:
        claims[DL_SETTINGS] = dict(facts.deep_linking_settings)
    if facts.course_id is not None:
        claims.update(_service_claims(facts, ags_scopes, nrps_scope))
    return claims


def _context_claim(context: ContextFacts) -> dict[str, Any]:
    if context.type == "Course":
        return {
            "id": context.id,
            "label": context.label,
            "title": context.title,
            "type": [COURSE_OFFERING],
        }
    # Account launches: no label, and Canvas's fallback type is the class name (§4.2).
    return {"id": context.id, "title": context.title, "type": [context.type]}


def _presentation(facts: LaunchFacts) -> dict[str, Any]:
    presentation: dict[str, Any] = {"document_target": "iframe", "locale": facts.locale}
    if facts.course_id is not None:
        presentation["return_url"] = (
            f"{facts.base_url}/courses/{facts.course_id}"
            "/external_content/success/external_tool_redirect"
        )
    else:
        presentation["return_url"] = f"{facts.base_url}/"
    if facts.selection_height is not None:
        presentation["height"] = facts.selection_height
    if facts.selection_width is not None:
        presentation["width"] = facts.selection_width
    return presentation


def _privacy_claims(facts: LaunchFacts, user: UserFacts) -> dict[str, Any]:
    """name/email/picture/lis by privacy level (§4.2 "Privacy level")."""
    level = facts.privacy_level
    out: dict[str, Any] = {}
    if level in {"public", "name_only"}:
        out["name"] = user.name
        out["given_name"] = user.given_name
        out["family_name"] = user.family_name
        # Without an SIS id Canvas sends the variable's own name, never null: canvas-lms
        # lib/lti/messages/jwt_message.rb add_include_name_claims! fills both with
        # expand_variable("$Person.sourcedId") / expand_variable("$CourseSection.sourcedId"),
        # and an unexpandable variable stays literal (recorded from a live Canvas, June 2025:
        # alt-cs-lab/lti-toolkit docs/content/02-lti/02-lti13-tool/index.md).
        out[LIS_CLAIM] = {
            "person_sourcedid": user.sis_user_id or PERSON_SOURCEDID,
            "course_offering_sourcedid": facts.context.sis_id or COURSE_SECTION_SOURCEDID,
        }
    if level in {"public", "email_only"}:
        out["email"] = user.email
    if level == "public":
        out["picture"] = user.picture
    return out


def _service_claims(
    facts: LaunchFacts, ags_scopes: tuple[str, ...], nrps_scope: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    base = f"{facts.base_url}/api/lti/courses/{facts.course_id}"
    granted_ags = [s for s in facts.scopes if s in ags_scopes]
    if granted_ags:
        endpoint: dict[str, Any] = {"scope": granted_ags, "lineitems": f"{base}/line_items"}
        # lineitem only for a resource link bound to exactly one line item; never for deep
        # linking (§4.3: "AGS (lineitems only)").
        if facts.line_item_id is not None and facts.message_type == "LtiResourceLinkRequest":
            endpoint["lineitem"] = f"{base}/line_items/{facts.line_item_id}"
        out[AGS_ENDPOINT] = endpoint
    if nrps_scope in facts.scopes:
        out[NRPS_CLAIM] = {
            "context_memberships_url": f"{base}/names_and_roles",
            "service_versions": ["2.0"],
        }
    return out
