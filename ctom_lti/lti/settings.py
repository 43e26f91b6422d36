"""Settings of the LTI layer, read by the one loader (``ctom_lti.config``) from ``CTOM_<NAME>``."""

from __future__ import annotations

from ctom_lti.config import Setting

SETTINGS: tuple[Setting, ...] = (
    Setting("LTI_TOOL_TITLE", "CTO Mentor"),
    # Origins allowed to frame the tool besides the registered platforms' own hosts and Canvas
    # addresses (e.g. a second domain of the same Canvas), space-separated.
    Setting("LTI_FRAME_ANCESTORS", ""),
    # Labels of custom Canvas course roles that mean "mentor" (comma-separated).
    Setting("LTI_MENTOR_ROLE_LABELS", "Mentor"),
    Setting("LTI_SESSION_LIFETIME", 8 * 3600, int),
    Setting("LTI_STATE_TTL", 600, int),
    Setting("LTI_IAT_LEEWAY", 60, int),
    Setting("LTI_JWKS_CACHE_SECONDS", 3600, int),
    Setting("LTI_REGISTRY_CACHE_SECONDS", 30, int),
    Setting("LTI_HTTP_CONNECT_TIMEOUT", 5.0, float),
    Setting("LTI_HTTP_READ_TIMEOUT", 10.0, float),
    # Total seconds any one outbound call (platform key set, token endpoint, AGS, NRPS) may
    # take, however the server trickles its answer; a launch waiting on the key set is refused
    # after it.
    Setting("LTI_HTTP_DEADLINE", 5.0, float),
)
