"""AGS line items as Canvas keeps them: each bound to an assignment, owned by a developer key.

canvas-lti.md §5.3 and §10.11: the list shows only the calling key's line items on active
assignments; an assignment made for a 1.3 tool (UI, REST or deep linking) gets a "coupled"
line item that AGS cannot delete [inferred: Canvas's creation hook was not located]. The
sandbox creates coupled line items lazily, the first time anything looks for them.
"""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox.content import course_assignments, create_assignment
from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.platform.resource_links import link_for_assignment
from ctom_lti.sandbox.platform.state import LineItem, line_items
from ctom_lti.sandbox.platform.tools import find_tool_for_url
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

SUBMISSION_TYPE_EXT = "https://canvas.instructure.com/lti/submission_type"
LAUNCH_URL_EXT = "https://canvas.instructure.com/lti/launch_url"


def tool_for_assignment(store: Store, assignment: Assignment) -> ExternalTool | None:
    """The LTI 1.3 tool an external-tool assignment launches, if any."""
    if "external_tool" not in assignment.submission_types:
        return None
    return find_tool_for_url(
        store, assignment.course_id, assignment.external_tool_url, assignment.external_tool_id
    )


def sync_coupled_line_items(store: Store, course_id: int) -> None:
    """Give every external-tool assignment of a 1.3 tool its coupled line item."""
    with store.lock:
        for assignment in course_assignments(store, course_id):
            tool = tool_for_assignment(store, assignment)
            if tool is not None and tool.client_id:
                ensure_coupled_line_item(store, assignment, tool)


def ensure_coupled_line_item(store: Store, assignment: Assignment, tool: ExternalTool) -> LineItem:
    with store.lock:
        existing = assignment_line_items(store, assignment.id, tool.client_id)
        if existing:
            return existing[0]
        link = link_for_assignment(store, assignment, tool)
        item = LineItem(
            id=store.next_id("lti_line_items"),
            course_id=assignment.course_id,
            assignment_id=assignment.id,
            client_id=str(tool.client_id),
            label=assignment.name,
            score_maximum=float(assignment.points_possible or 0.0),
            resource_link_id=link.id,
            coupled=True,
        )
        line_items(store)[item.id] = item
        return item


def assignment_line_items(
    store: Store, assignment_id: int, client_id: str | None = None
) -> list[LineItem]:
    return sorted(
        (
            li
            for li in line_items(store).values()
            if li.assignment_id == assignment_id
            and (client_id is None or li.client_id == client_id)
        ),
        key=lambda li: li.id,
    )


def is_primary(store: Store, item: LineItem) -> bool:
    """The assignment's first line item mirrors the assignment's name and points."""
    items = assignment_line_items(store, item.assignment_id)
    return bool(items) and items[0].id == item.id


def label_of(store: Store, item: LineItem) -> str:
    assignment = store.assignments.get(item.assignment_id)
    return assignment.name if assignment and is_primary(store, item) else item.label


def score_maximum_of(store: Store, item: LineItem) -> float:
    assignment = store.assignments.get(item.assignment_id)
    if assignment is not None and is_primary(store, item):
        return float(assignment.points_possible or 0.0)
    return item.score_maximum


def active_line_items(store: Store, course_id: int, client_id: str) -> list[LineItem]:
    """The key's line items on active assignments, by id (canvas-lti.md §5.3 list)."""
    sync_coupled_line_items(store, course_id)
    with store.lock:
        return sorted(
            (
                li
                for li in line_items(store).values()
                if li.course_id == course_id
                and li.client_id == client_id
                and _assignment_active(store, li.assignment_id)
            ),
            key=lambda li: li.id,
        )


def _assignment_active(store: Store, assignment_id: int) -> bool:
    assignment = store.assignments.get(assignment_id)
    return assignment is not None and assignment.workflow_state != "deleted"


def create_line_item(
    store: Store,
    course_id: int,
    tool: ExternalTool,
    *,
    label: str,
    score_maximum: float,
    resource_id: str | None = None,
    tag: str | None = None,
    resource_link_assignment: Assignment | None = None,
    resource_link_id: str | None = None,
    submission_type: dict[str, Any] | None = None,
    start_date_time: str | None = None,
    end_date_time: str | None = None,
) -> LineItem:
    """POST line_items: attach to a resource link's assignment, or create a new assignment.

    A new assignment: name = label, points = scoreMaximum, submission types ``none`` unless
    the submission_type extension says external_tool (§5.3). Canvas publishes it so it shows
    in the gradebook at once [inferred].
    """
    with store.lock:
        assignment = resource_link_assignment
        if assignment is None:
            external = bool(submission_type and submission_type.get("type") == "external_tool")
            assignment = create_assignment(
                store,
                course_id,
                label,
                published=True,
                points_possible=score_maximum,
                grading_type="points",
                submission_types=["external_tool"] if external else ["none"],
                external_tool_url=(submission_type or {}).get("external_tool_url") or tool.url
                if external
                else None,
            )
        item = LineItem(
            id=store.next_id("lti_line_items"),
            course_id=course_id,
            assignment_id=assignment.id,
            client_id=str(tool.client_id),
            label=label,
            score_maximum=score_maximum,
            resource_id=resource_id,
            tag=tag,
            resource_link_id=resource_link_id,
            submission_type=submission_type,
            start_date_time=start_date_time,
            end_date_time=end_date_time,
        )
        line_items(store)[item.id] = item
        return item


def update_line_item(store: Store, item: LineItem, changes: dict[str, Any]) -> None:
    """PUT: label and scoreMaximum also rename / re-point the assignment (§5.3)."""
    with store.lock:
        assignment = store.assignments.get(item.assignment_id)
        primary = is_primary(store, item)
        if "label" in changes:
            item.label = str(changes["label"])
            if primary and assignment is not None:
                assignment.name = item.label
        if "scoreMaximum" in changes:
            item.score_maximum = float(changes["scoreMaximum"])
            if primary and assignment is not None:
                assignment.points_possible = item.score_maximum
        for key, attr in (
            ("resourceId", "resource_id"),
            ("tag", "tag"),
            ("startDateTime", "start_date_time"),
            ("endDateTime", "end_date_time"),
        ):
            if key in changes:
                setattr(item, attr, changes[key])
        item.updated_at = now()
        if assignment is not None:
            assignment.updated_at = now()


def delete_line_item(store: Store, item: LineItem) -> None:
    """DELETE: the line item goes; an assignment AGS itself created goes with it."""
    with store.lock:
        line_items(store).pop(item.id, None)
        assignment = store.assignments.get(item.assignment_id)
        if assignment is not None and not assignment_line_items(store, assignment.id):
            assignment.workflow_state = "deleted"
            assignment.updated_at = now()


def line_item_json(
    store: Store, item: LineItem, base_url: str, *, include_launch_url: bool = False
) -> dict[str, Any]:
    """Canvas's serializer: nil keys omitted; dates accepted on input but not shown (§5.3)."""
    body: dict[str, Any] = {
        "id": line_item_url(base_url, item),
        "scoreMaximum": score_maximum_of(store, item),
        "label": label_of(store, item),
        "resourceId": item.resource_id,
        "tag": item.tag,
        "resourceLinkId": item.resource_link_id,
    }
    if item.submission_type is not None:
        body[SUBMISSION_TYPE_EXT] = item.submission_type
    if include_launch_url:
        assignment = store.assignments.get(item.assignment_id)
        body[LAUNCH_URL_EXT] = assignment.external_tool_url if assignment else None
    return {k: v for k, v in body.items() if v is not None}


def line_item_url(base_url: str, item: LineItem) -> str:
    return f"{base_url}/api/lti/courses/{item.course_id}/line_items/{item.id}"
