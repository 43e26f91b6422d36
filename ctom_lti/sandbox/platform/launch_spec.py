"""What a launch launches: the tool, message type, placement and target, and whatever the placement
adds (resource link, assignment, deep linking settings, custom fields), before the store is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctom_lti.sandbox.course_records import Course, ExternalTool
from ctom_lti.sandbox.coursework_records import Assignment


@dataclass(frozen=True)
class LaunchSpec:
    """What is being launched, before the store is consulted."""

    tool: ExternalTool
    message_type: str
    placement: str | None
    target_link_uri: str
    course: Course | None
    #: {"id", "title", "description"} (resource link launches)
    resource_link: dict[str, Any] | None = None
    assignment: Assignment | None = None
    line_item_id: int | None = None
    deep_linking_settings: dict[str, Any] | None = None
    #: custom fields added by the placement / resource link, over the tool's own
    custom_fields: dict[str, str] = field(default_factory=dict)
    #: custom values stored on a deep-linked resource link (already final, not expanded)
    link_custom: dict[str, str] = field(default_factory=dict)
    selection_height: int | None = None
    selection_width: int | None = None
