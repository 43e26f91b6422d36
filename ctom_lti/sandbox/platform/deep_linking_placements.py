"""What each placement a deep linking launch comes from accepts (canvas-lti.md §4.3), which of them
make gradable assignments (§6), and the ``deep_linking_settings`` claim built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.store import Store

LTILINK_MEDIA = "application/vnd.ims.lti.v1.ltilink"


@dataclass(frozen=True)
class PlacementSettings:
    accept_types: tuple[str, ...]
    accept_targets: tuple[str, ...]
    accept_media_types: str
    accept_multiple: bool
    auto_create: bool


#: canvas-lti.md §4.3 table (the placements the sandbox can launch deep linking from).
PLACEMENTS: dict[str, PlacementSettings] = {
    "assignment_selection": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, False, False
    ),
    "link_selection": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, False
    ),
    "course_assignments_menu": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, False
    ),
    "module_index_menu_modal": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, True
    ),
    "module_menu_modal": PlacementSettings(
        ("ltiResourceLink",), ("iframe", "window"), LTILINK_MEDIA, True, True
    ),
}
#: placements whose ltiResourceLink items become gradable assignments (§6)
ASSIGNMENT_PLACEMENTS = frozenset(
    {"assignment_selection", "course_assignments_menu", "module_index_menu_modal"}
)


def deep_linking_settings(
    store: Store,
    base_url: str,
    course_id: int,
    tool: ExternalTool,
    placement: str,
    *,
    module_id: int | None = None,
    assignment_id: int | None = None,
) -> dict[str, Any]:
    """The ``deep_linking_settings`` claim.

    Canvas's own state (placement, module, assignment) rides in the return URL's ``data`` JWT.
    """
    spec = PLACEMENTS[placement]
    data: dict[str, Any] = {"modal": True, "placement": placement, "tool_id": tool.id}
    if module_id is not None:
        data["module_id"] = module_id
    if assignment_id is not None:
        data["assignment_id"] = assignment_id
    token = jwt.encode(data, store.secret, algorithm="HS256")
    return_url = f"{base_url}/courses/{course_id}/deep_linking_response?data={token}"
    return {
        "deep_link_return_url": return_url,
        "accept_types": list(spec.accept_types),
        "accept_presentation_document_targets": list(spec.accept_targets),
        "accept_media_types": spec.accept_media_types,
        "accept_multiple": spec.accept_multiple,
        "auto_create": spec.auto_create,
    }
