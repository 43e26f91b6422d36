"""LTI 1.3 claim names and role URIs, in one place.

Sources: IMS LTI Core 1.3 §5 (message claims), LTI Deep Linking 2.0, LTI AGS 2.0, NRPS 2.0, and the
Canvas extensions described in ``reference/canvas-lti.md`` §4.
"""

from __future__ import annotations

from typing import Final

LTI: Final = "https://purl.imsglobal.org/spec/lti/claim/"

MESSAGE_TYPE: Final = LTI + "message_type"
VERSION: Final = LTI + "version"
DEPLOYMENT_ID: Final = LTI + "deployment_id"
TARGET_LINK_URI: Final = LTI + "target_link_uri"
RESOURCE_LINK: Final = LTI + "resource_link"
ROLES: Final = LTI + "roles"
ROLE_SCOPE_MENTOR: Final = LTI + "role_scope_mentor"
CONTEXT: Final = LTI + "context"
TOOL_PLATFORM: Final = LTI + "tool_platform"
LAUNCH_PRESENTATION: Final = LTI + "launch_presentation"
CUSTOM: Final = LTI + "custom"
LIS: Final = LTI + "lis"
LTI11_LEGACY_USER_ID: Final = LTI + "lti11_legacy_user_id"

DEEP_LINKING_SETTINGS: Final = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT: Final = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS: Final = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

#: Canvas's own claim naming the placement that launched the tool (canvas-lti.md §4.2).
CANVAS_PLACEMENT: Final = "https://www.instructure.com/placement"

RESOURCE_LINK_REQUEST: Final = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST: Final = "LtiDeepLinkingRequest"
#: The message types this tool accepts; anything else is refused with a clear page.
SUPPORTED_MESSAGE_TYPES: Final = frozenset({RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST})

LIS_V2: Final = "http://purl.imsglobal.org/vocab/lis/v2/"
ROLE_LEARNER: Final = LIS_V2 + "membership#Learner"
ROLE_MENTOR: Final = LIS_V2 + "membership#Mentor"
ROLE_INSTRUCTOR: Final = LIS_V2 + "membership#Instructor"
ROLE_TEACHING_ASSISTANT: Final = LIS_V2 + "membership/Instructor#TeachingAssistant"
ROLE_CONTENT_DEVELOPER: Final = LIS_V2 + "membership#ContentDeveloper"
ROLE_INSTITUTION_ADMIN: Final = LIS_V2 + "institution/person#Administrator"
ROLE_INSTITUTION_STUDENT: Final = LIS_V2 + "institution/person#Student"
ROLE_INSTITUTION_INSTRUCTOR: Final = LIS_V2 + "institution/person#Instructor"
ROLE_SYSTEM_USER: Final = LIS_V2 + "system/person#User"
ROLE_SYSTEM_ADMIN: Final = LIS_V2 + "system/person#SysAdmin"

#: LTI Advantage scopes the tool asks for (canvas-lti.md §5.1).
SCOPE_LINEITEM: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_RESULT_READONLY: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS: Final = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_SCOPES: Final = (SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE, SCOPE_NRPS)
