"""Pagination exactly as canvas-rest.md §3 describes, and canvasapi following it (§0.3)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests
from canvasapi.course import Course

from ctom_lti.sandbox.server import SandboxServer
from tests.integration.sandbox_rest.conftest import add_students
from tests.sandbox_fixtures import Api, make_canvas


def add_courses(sandbox: SandboxServer, count: int) -> None:
    """Courses straight into the store: a collection Canvas pages by number."""
    for n in range(1, count + 1):
        sandbox.store.add_course(f"Course {n:03d}")


def rels(resp: requests.Response) -> list[str]:
    return [part.split("; ")[1] for part in resp.headers["Link"].split(",")]


def test_default_page_size_and_link_header_order(sandbox: SandboxServer, api: Api) -> None:
    add_courses(sandbox, 25)
    resp = api.get("accounts/self/courses")
    assert len(resp.json()) == 10
    assert rels(resp) == ['rel="current"', 'rel="next"', 'rel="first"', 'rel="last"']
    assert resp.links["last"]["url"].endswith("page=3&per_page=10")

    middle = requests.get(resp.links["next"]["url"], headers=api.session.headers, timeout=10)
    assert rels(middle) == [
        'rel="current"',
        'rel="next"',
        'rel="prev"',
        'rel="first"',
        'rel="last"',
    ]


def test_links_keep_filters_and_drop_paging_and_tokens(sandbox: SandboxServer, api: Api) -> None:
    add_courses(sandbox, 5)
    resp = api.as_user(None).get(
        "accounts/self/courses",
        params=[
            ("state[]", "unpublished"),
            ("include[]", "term"),
            ("per_page", "2"),
            ("access_token", sandbox.admin_token),
        ],
    )
    nxt = resp.links["next"]["url"]
    assert nxt.startswith(f"{sandbox.base_url}/api/v1/accounts/self/courses?")
    query = parse_qsl(urlsplit(nxt).query)
    assert query == [
        ("include[]", "term"),
        ("state[]", "unpublished"),
        ("page", "2"),
        ("per_page", "2"),
    ]
    assert "state%5B%5D=unpublished" in nxt
    assert sandbox.admin_token not in resp.headers["Link"]


def test_per_page_is_clamped_and_past_the_end_is_empty(sandbox: SandboxServer, api: Api) -> None:
    add_courses(sandbox, 120)
    assert len(api.get("accounts/self/courses", params={"per_page": 500}).json()) == 100
    assert len(api.get("accounts/self/courses", params={"per_page": 0}).json()) == 1
    past = api.get("accounts/self/courses", params={"page": 99})
    assert (past.status_code, past.json()) == (200, [])


def test_enrollments_use_bookmarks_with_no_prev_or_last(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    """Canvas pages enrollments by bookmark (enrollments_api_controller.rb index): page=first,
    then page=bookmark:…; links current, next, first — nothing to jump to a page number."""
    add_students(sandbox, course.id, 25)
    first = api.get(f"courses/{course.id}/enrollments", params=[("type[]", "StudentEnrollment")])
    assert rels(first) == ['rel="current"', 'rel="next"', 'rel="first"']
    assert first.links["current"]["url"].endswith("page=first&per_page=10")
    assert first.links["first"]["url"].endswith("page=first&per_page=10")
    nxt = first.links["next"]["url"]
    page = dict(parse_qsl(urlsplit(nxt).query))["page"]
    assert page.startswith("bookmark:") and not page[9:].isdigit()
    assert "type%5B%5D=StudentEnrollment" in nxt

    seen = [e["user_id"] for e in first.json()]
    url: str | None = nxt
    while url:
        resp = requests.get(url, headers=api.session.headers, timeout=10)
        assert "prev" not in resp.links and "last" not in resp.links
        seen += [e["user_id"] for e in resp.json()]
        url = resp.links.get("next", {}).get("url")
    names = {u.id: u.sortable_name for u in sandbox.store.users.values()}
    assert len(seen) == len(set(seen)) == 25
    assert [names[i] for i in seen] == sorted(names[i] for i in seen)
    # A number is not a bookmark: it reads as the first page, as in Canvas.
    numbered = api.get(f"courses/{course.id}/enrollments", params={"page": 2})
    assert [e["user_id"] for e in numbered.json()] == seen[:10]


def test_course_users_have_no_last_link(course: Course, sandbox: SandboxServer, api: Api) -> None:
    add_students(sandbox, course.id, 12)
    resp = api.get(f"courses/{course.id}/users")
    assert rels(resp) == ['rel="current"', 'rel="next"', 'rel="first"']


def test_links_use_the_host_the_client_called(course: Course, sandbox: SandboxServer) -> None:
    add_students(sandbox, course.id, 3)
    local = f"http://localhost:{sandbox.port}"
    api = Api(local, sandbox.admin_token)
    resp = api.get(f"courses/{course.id}/enrollments", params={"per_page": 1})
    assert resp.links["next"]["url"].startswith(f"{local}/api/v1/")
    via_localhost = make_canvas(local, sandbox.admin_token).get_course(course.id)
    assert len(list(via_localhost.get_enrollments(per_page=1))) == 3


def test_canvasapi_iterates_more_than_a_hundred_items(
    course: Course, sandbox: SandboxServer
) -> None:
    add_students(sandbox, course.id, 230)
    sandbox.log.clear()
    users = list(course.get_enrollments())  # canvasapi asks for per_page=100
    assert len({e.user_id for e in users}) == 230
    assert sandbox.log.count(method="GET") == 3
