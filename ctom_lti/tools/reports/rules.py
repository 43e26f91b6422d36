"""The report's pure core: its parts, what may be shared, and who may do what when."""

from __future__ import annotations

ON_TRACK = "on_track"
NEEDS_ATTENTION = "needs_attention"
AT_RISK = "at_risk"
OVERALL_LABELS = {
    ON_TRACK: "On track",
    NEEDS_ATTENTION: "Needs attention",
    AT_RISK: "At risk",
}
