"""Modules and module items through canvasapi (canvas-rest.md §4.5, §4.6)."""

from __future__ import annotations

import pytest
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, ResourceDoesNotExist

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api


def test_modules_are_created_unpublished_in_position_order(course: Course) -> None:
    first = course.create_module(module={"name": "Programme overview"})
    second = course.create_module(module={"name": "Technology strand"})
    inserted = course.create_module(module={"name": "Welcome", "position": 1})

    assert first.published is False
    assert not hasattr(first, "workflow_state")
    assert [(m.name, m.position) for m in course.get_modules()] == [
        ("Welcome", 1),
        ("Programme overview", 2),
        ("Technology strand", 3),
    ]
    assert second.items_url.endswith(f"/api/v1/courses/{course.id}/modules/{second.id}/items")
    assert inserted.items_count == 0


def test_module_name_is_required(course: Course, api: Api) -> None:
    with pytest.raises(BadRequest, match="missing module name"):
        course.create_module(module={"name": "   "})
    resp = api.post(f"courses/{course.id}/modules", data={"name": "top-level"})
    assert resp.status_code == 400
    assert resp.json() == {"message": "missing module parameter"}


def test_every_item_type_and_its_validation(course: Course) -> None:
    module = course.create_module(module={"name": "Technology strand"})
    assignment = course.create_assignment(
        assignment={"name": "Security Fundamentals", "published": True}
    )
    page = course.create_page(wiki_page={"title": "Security Fundamentals overview"})

    header = module.create_module_item(module_item={"type": "SubHeader", "title": "Principle 1"})
    page_item = module.create_module_item(
        module_item={"type": "Page", "page_url": page.url, "indent": 1}
    )
    task = module.create_module_item(
        module_item={
            "type": "Assignment",
            "content_id": assignment.id,
            "completion_requirement": {"type": "must_submit"},
        }
    )
    link = module.create_module_item(
        module_item={
            "type": "ExternalUrl",
            "title": "Code of ethics",
            "external_url": "https://district.example.org/ethics",
            "new_tab": True,
            "completion_requirement": {"type": "must_submit"},  # not applicable → dropped
        }
    )
    tool = module.create_module_item(
        module_item={
            "type": "ExternalTool",
            "content_id": 0,
            "title": "Reflection",
            "external_url": "https://tool.example/lti/launch?principle=security",
        }
    )

    assert (header.type, header.published, hasattr(header, "html_url")) == (
        "SubHeader",
        False,
        False,
    )
    assert (page_item.title, page_item.page_url, page_item.indent) == (page.title, page.url, 1)
    assert not hasattr(page_item, "content_id")
    assert page_item.published is False  # mirrors the unpublished page
    assert (task.title, task.content_id, task.published) == (assignment.name, assignment.id, True)
    assert task.completion_requirement == {"type": "must_submit", "completed": False}
    assert (link.external_url, link.new_tab, link.published) == (
        "https://district.example.org/ethics",
        True,
        False,
    )
    assert not hasattr(link, "completion_requirement")
    assert (tool.type, tool.published, tool.content_id) == ("ExternalTool", False, 0)
    assert [i.position for i in module.get_module_items()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"type": "Assignment", "content_id": 999}, "Could not find content"),
        ({"type": "Page", "page_url": "no-such-page"}, "invalid page_url parameter"),
        ({"type": "Page", "title": "x"}, "missing page_url parameter"),
        ({"type": "File", "content_id": 1}, "Could not find content"),
        ({"type": "ExternalUrl", "title": "No URL"}, "url"),
    ],
)
def test_item_validation_messages(course: Course, item: dict[str, object], message: str) -> None:
    module = course.create_module(module={"name": "M"})
    with pytest.raises(BadRequest, match=message):
        module.create_module_item(module_item=item)


def test_publishing_a_module_publishes_its_items_and_their_content(course: Course) -> None:
    module = course.create_module(module={"name": "Sessions"})
    assignment = course.create_assignment(assignment={"name": "Attendance"})
    module.create_module_item(module_item={"type": "Assignment", "content_id": assignment.id})
    module.create_module_item(module_item={"type": "SubHeader", "title": "Session 1"})

    edited = module.edit(module={"published": True})

    assert edited.published is True
    assert edited.publish_warning is False
    assert all(i.published for i in module.get_module_items())
    assert course.get_assignment(assignment.id).published is True


def test_items_can_be_edited_moved_and_deleted(course: Course) -> None:
    first = course.create_module(module={"name": "First"})
    second = course.create_module(module={"name": "Second"})
    a = first.create_module_item(module_item={"type": "SubHeader", "title": "A"})
    b = first.create_module_item(module_item={"type": "SubHeader", "title": "B"})

    b.edit(module_item={"position": 1, "title": "B renamed", "published": True})
    assert [(i.title, i.position, i.published) for i in first.get_module_items()] == [
        ("B renamed", 1, True),
        ("A", 2, False),
    ]
    moved = a.edit(module_item={"module_id": second.id})
    assert moved.module_id == second.id
    assert [i.title for i in second.get_module_items()] == ["A"]

    b.delete()
    assert list(first.get_module_items()) == []
    with pytest.raises(ResourceDoesNotExist):
        first.get_module_item(b.id)


def test_modules_list_inlines_items_and_searches(course: Course) -> None:
    overview = course.create_module(module={"name": "Programme overview"})
    overview.create_module_item(module_item={"type": "SubHeader", "title": "Mentor agreement"})
    course.create_module(module={"name": "Leadership strand"})

    modules = list(course.get_modules(include=["items"]))
    assert [len(m.items) for m in modules] == [1, 0]
    assert [m.name for m in course.get_modules(search_term="agreement")] == ["Programme overview"]


def test_deleting_a_module_renumbers_the_rest(course: Course, sandbox: SandboxServer) -> None:
    a = course.create_module(module={"name": "A"})
    course.create_module(module={"name": "B"})
    a.delete()
    assert [(m.name, m.position) for m in course.get_modules()] == [("B", 1)]
    with pytest.raises(ResourceDoesNotExist):
        course.get_module(a.id)


def test_prerequisites_only_point_backwards(course: Course) -> None:
    a = course.create_module(module={"name": "A"})
    b = course.create_module(module={"name": "B"})
    c = course.create_module(module={"name": "C"})
    edited = b.edit(module={"prerequisite_module_ids": [a.id, c.id]})
    assert edited.prerequisite_module_ids == [a.id]
