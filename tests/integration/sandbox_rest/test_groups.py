"""Group categories, groups and memberships through canvasapi (canvas-rest.md §4.14)."""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest

from ctom_lti.sandbox.server import SandboxServer
from tests.integration.sandbox_rest.conftest import add_students


def test_categories_groups_and_idempotent_memberships(
    canvas: Canvas, course: Course, sandbox: SandboxServer
) -> None:
    north, south = add_students(sandbox, course.id, 2)
    category = course.create_group_category("Regions")
    assert (category.name, category.course_id, category.groups_count) == ("Regions", course.id, 0)
    with pytest.raises(BadRequest, match="already in use"):
        course.create_group_category("Regions")

    group = category.create_group(name="Northern California", sis_group_id="region-north")
    first = group.create_membership(north.id)
    again = group.create_membership(north.id)
    group.create_membership(south.id)

    assert (first.just_created, again.just_created, first.id) == (True, False, again.id)
    assert first.workflow_state == "accepted"
    assert [m.user_id for m in group.get_memberships()] == [north.id, south.id]
    assert canvas.get_group("region-north", use_sis_id=True).members_count == 2
    assert [g.name for g in category.get_groups()] == ["Northern California"]
    assert [c.name for c in course.get_group_categories()] == ["Regions"]
    assert course.get_group_categories()[0].unassigned_users_count == 0
