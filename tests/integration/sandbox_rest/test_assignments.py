"""Assignment groups and assignments through canvasapi (canvas-rest.md §4.8, §4.9)."""

from __future__ import annotations

import json

import pytest
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, Conflict, ResourceDoesNotExist

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api


def test_assignment_groups_take_top_level_params_and_merge_integration_data(
    course: Course,
) -> None:
    group = course.create_assignment_group(
        name="Technology",
        group_weight=25,
        sis_source_id="ctom-strand-technology",
        integration_data={"ctom_key": "strand:technology"},
    )
    assert (group.name, group.group_weight, group.position) == ("Technology", 25.0, 2)
    assert group.integration_data == {"ctom_key": "strand:technology"}

    edited = group.edit(integration_data={"version": "2"}, name="Technology strand")
    assert edited.integration_data == {"ctom_key": "strand:technology", "version": "2"}
    assert [g.name for g in course.get_assignment_groups()] == ["Assignments", "Technology strand"]


def test_deleting_a_group_moves_or_deletes_its_assignments(course: Course) -> None:
    default = next(iter(course.get_assignment_groups()))
    doomed = course.create_assignment_group(name="Doomed")
    moved = course.create_assignment_group(name="Moved")
    a = course.create_assignment(assignment={"name": "A", "assignment_group_id": doomed.id})
    b = course.create_assignment(assignment={"name": "B", "assignment_group_id": moved.id})

    doomed.delete()
    moved.delete(move_assignments_to=default.id)

    assert [g.name for g in course.get_assignment_groups()] == ["Assignments"]
    with pytest.raises(ResourceDoesNotExist):
        course.get_assignment(a.id)
    assert course.get_assignment(b.id).assignment_group_id == default.id


def test_pass_fail_assignment_is_created_unpublished_with_201(course: Course, api: Api) -> None:
    resp = api.post(
        f"courses/{course.id}/assignments",
        data={"assignment[name]": "Principle 1", "assignment[grading_type]": "pass_fail"},
    )
    assert resp.status_code == 201
    created = resp.json()
    assert (created["published"], created["workflow_state"]) == (False, "unpublished")
    assert created["submission_types"] == ["none"]

    a = course.create_assignment(
        assignment={
            "name": "Principle 2",
            "grading_type": "pass_fail",
            "points_possible": 1,
            "integration_data": json.dumps({"ctom_key": "principle:infrastructure"}),
            "sis_assignment_id": "ctom-principle-2",
        }
    )
    assert (a.grading_type, a.points_possible, a.course_id) == ("pass_fail", 1.0, course.id)
    assert a.integration_data == {"ctom_key": "principle:infrastructure"}
    assert a.assignment_group_id == next(iter(course.get_assignment_groups())).id


def test_duplicate_sis_assignment_id_is_a_conflict(course: Course) -> None:
    course.create_assignment(assignment={"name": "A", "sis_assignment_id": "dup"})
    with pytest.raises(Conflict):
        course.create_assignment(assignment={"name": "B", "sis_assignment_id": "dup"})


def test_external_tool_assignment_keeps_its_tag(course: Course) -> None:
    a = course.create_assignment(
        assignment={
            "name": "Monthly report received",
            "submission_types": ["external_tool"],
            "external_tool_tag_attributes": {
                "url": "https://tool.example/lti/launch",
                "new_tab": False,
            },
            "points_possible": 1,
            "grading_type": "pass_fail",
        }
    )
    tag = a.external_tool_tag_attributes
    assert tag["url"] == "https://tool.example/lti/launch"
    assert tag["new_tab"] is False
    assert len(tag["resource_link_id"]) == 36
    assert "sessionless_launch" in a.url
    with pytest.raises(BadRequest, match="url"):
        course.create_assignment(assignment={"name": "X", "submission_types": ["external_tool"]})


@pytest.mark.parametrize(
    ("fields", "attribute"),
    [
        ({"submission_types": ["telepathy"]}, "assignment[submission_types]"),
        ({"due_at": "soon"}, "assignment[due_at]"),
        ({"assignment_group_id": "-3"}, "assignment[assignment_group_id]"),
        ({"grading_type": "vibes"}, "grading_type"),
    ],
)
def test_invalid_fields_are_400s_naming_the_field(
    course: Course, api: Api, fields: dict[str, object], attribute: str
) -> None:
    data: dict[str, object] = {"assignment[name]": "X"}
    for key, value in fields.items():
        data[f"assignment[{key}][]" if isinstance(value, list) else f"assignment[{key}]"] = value
    resp = api.post(f"courses/{course.id}/assignments", data=data)
    assert resp.status_code == 400
    assert attribute in resp.json()["errors"]


def test_edit_publish_list_and_delete(course: Course, sandbox: SandboxServer) -> None:
    first = course.create_assignment(assignment={"name": "Kickoff attendance"})
    second = course.create_assignment(assignment={"name": "Session 2 attendance"})

    edited = first.edit(assignment={"published": True, "points_possible": 1})
    assert (edited.published, edited.points_possible) == (True, 1.0)
    assert [a.name for a in course.get_assignments()] == [
        "Kickoff attendance",
        "Session 2 attendance",
    ]
    assert [a.id for a in course.get_assignments(search_term="Session")] == [second.id]
    second.delete()
    assert [a.id for a in course.get_assignments()] == [first.id]
    assert course.get_assignment(first.id).position == 1


def test_assignment_by_sis_id(course: Course, api: Api) -> None:
    a = course.create_assignment(assignment={"name": "A", "sis_assignment_id": "ctom-a"})
    resp = api.get(f"courses/{course.id}/assignments/sis_assignment_id:ctom-a")
    assert resp.json()["id"] == a.id
