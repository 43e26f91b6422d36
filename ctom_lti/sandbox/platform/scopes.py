"""The LTI Advantage scopes a developer key may hold (canvas-lti.md §5.1), and the AGS and NRPS
scopes the services check for (§4.2, §5.2 to §5.5)."""

from __future__ import annotations

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
AGS_PROGRESS = "https://canvas.instructure.com/lti-ags/progress/scope/show"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
#: AGS scopes as the AGS claim lists them (canvas-lti.md §4.2).
AGS_SCOPES = (AGS_LINEITEM, AGS_LINEITEM_READONLY, AGS_RESULT_READONLY, AGS_SCORE, AGS_PROGRESS)

#: Scopes Canvas offers on LTI keys (canvas-lti.md §5.1); anything else is refused on save.
KNOWN_SCOPES = frozenset(
    {
        *AGS_SCOPES,
        NRPS_SCOPE,
        "https://canvas.instructure.com/lti/public_jwk/scope/update",
        "https://canvas.instructure.com/lti/account_lookup/scope/show",
        "https://canvas.instructure.com/lti/page_content/show",
        "https://canvas.instructure.com/lti/data_services/scope/create",
        "https://canvas.instructure.com/lti/data_services/scope/show",
        "https://canvas.instructure.com/lti/data_services/scope/update",
        "https://canvas.instructure.com/lti/data_services/scope/list",
        "https://canvas.instructure.com/lti/data_services/scope/destroy",
        "https://canvas.instructure.com/lti/data_services/scope/list_event_types",
        "https://canvas.instructure.com/lti/feature_flags/scope/show",
        "https://canvas.instructure.com/lti/replace_editor_contents",
    }
)
