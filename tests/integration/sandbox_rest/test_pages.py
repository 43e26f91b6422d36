"""Pages through canvasapi: slugs, -2 suffixes, PUT creates (canvas-rest.md §4.7)."""

from __future__ import annotations

import pytest
from canvasapi.course import Course
from canvasapi.exceptions import BadRequest, ResourceDoesNotExist

from tests.sandbox_fixtures import Api


def test_page_is_created_unpublished_under_its_slug(course: Course) -> None:
    page = course.create_page(
        wiki_page={"title": "Principle 1: Security & Privacy", "body": "<p>Topics</p>"}
    )
    assert page.url == "principle-1-security-and-privacy"
    assert (page.published, page.hide_from_students, page.front_page) == (False, True, False)
    assert page.editing_roles == "teachers"

    fetched = course.get_page(page.url)
    assert (fetched.page_id, fetched.body) == (page.page_id, "<p>Topics</p>")


def test_duplicate_titles_get_numbered_titles_and_slugs(course: Course) -> None:
    first = course.create_page(wiki_page={"title": "Session notes"})
    second = course.create_page(wiki_page={"title": "Session notes"})
    third = course.create_page(wiki_page={"title": "Session notes"})
    assert [p.url for p in (first, second, third)] == [
        "session-notes",
        "session-notes-2",
        "session-notes-3",
    ]
    assert third.title == "Session notes-3"


def test_put_on_unknown_slug_creates_the_page(course: Course, api: Api) -> None:
    resp = api.put(f"courses/{course.id}/pages/week-1", data={"wiki_page[body]": "hello"})
    assert resp.status_code == 200
    assert (resp.json()["title"], resp.json()["url"]) == ("Week 1", "week-1")

    titled = api.put(
        f"courses/{course.id}/pages/placeholder", data={"wiki_page[title]": "Kickoff Friday"}
    )
    assert titled.json()["url"] == "kickoff-friday"
    with pytest.raises(ResourceDoesNotExist):
        course.get_page("placeholder")


def test_retitling_changes_the_slug_and_old_one_still_answers(course: Course) -> None:
    page = course.create_page(wiki_page={"title": "Draft"})
    edited = page.edit(wiki_page={"title": "Final Version", "published": True})
    assert (edited.url, edited.published) == ("final-version", True)
    assert course.get_page("draft").page_id == page.page_id


def test_title_rules(course: Course) -> None:
    with pytest.raises(BadRequest, match="Title can't be blank"):
        course.create_page(wiki_page={"title": ""})
    with pytest.raises(BadRequest, match="at least one letter or number"):
        course.create_page(wiki_page={"title": "!!!"})


def test_front_page_is_published_and_cannot_be_unpublished(course: Course) -> None:
    page = course.create_page(wiki_page={"title": "Home", "front_page": True})
    assert (page.front_page, page.published) == (True, True)
    with pytest.raises(BadRequest, match="front page cannot be unpublished"):
        page.edit(wiki_page={"published": False})


def test_list_and_delete(course: Course) -> None:
    keep = course.create_page(wiki_page={"title": "Keep"})
    drop = course.create_page(wiki_page={"title": "Drop"})
    assert [p.url for p in course.get_pages()] == ["keep", "drop"]
    assert [p.url for p in course.get_pages(sort="title")] == ["drop", "keep"]
    drop.delete()
    assert [p.url for p in course.get_pages()] == [keep.url]
    with pytest.raises(ResourceDoesNotExist):
        course.get_page("drop")
