"""Pagination exactly as canvas-rest.md §3 describes, and canvasapi following it (§0.3)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests
from canvasapi.course import Course

from ctom_lti.sandbox.server import SandboxServer
from tests.integration.sandbox_rest.conftest import add_students
from tests.sandbox_fixtures import Api, make_canvas


def test_default_page_size_and_link_header_order(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    add_students(sandbox, course.id, 25)
    resp = api.get(f"courses/{course.id}/enrollments")
    assert len(resp.json()) == 10
    rels = [part.split("; ")[1] for part in resp.headers["Link"].split(",")]
    assert rels == ['rel="current"', 'rel="next"', 'rel="first"', 'rel="last"']
    assert resp.links["last"]["url"].endswith("page=3&per_page=10")

    middle = requests.get(resp.links["next"]["url"], headers=api.session.headers, timeout=10)
    assert [r.split("; ")[1] for r in middle.headers["Link"].split(",")] == [
        'rel="current"',
        'rel="next"',
        'rel="prev"',
        'rel="first"',
        'rel="last"',
    ]


def test_links_keep_filters_and_drop_paging_and_tokens(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    add_students(sandbox, course.id, 5)
    resp = api.as_user(None).get(
        f"courses/{course.id}/enrollments",
        params=[
            ("type[]", "StudentEnrollment"),
            ("state[]", "active"),
            ("per_page", "2"),
            ("access_token", sandbox.admin_token),
        ],
    )
    nxt = resp.links["next"]["url"]
    assert nxt.startswith(f"{sandbox.base_url}/api/v1/courses/{course.id}/enrollments?")
    query = parse_qsl(urlsplit(nxt).query)
    assert query == [
        ("state[]", "active"),
        ("type[]", "StudentEnrollment"),
        ("page", "2"),
        ("per_page", "2"),
    ]
    assert "state%5B%5D=active" in nxt
    assert sandbox.admin_token not in resp.headers["Link"]


def test_per_page_is_clamped_and_past_the_end_is_empty(
    course: Course, sandbox: SandboxServer, api: Api
) -> None:
    add_students(sandbox, course.id, 120)
    assert len(api.get(f"courses/{course.id}/enrollments", params={"per_page": 500}).json()) == 100
    assert len(api.get(f"courses/{course.id}/enrollments", params={"per_page": 0}).json()) == 1
    past = api.get(f"courses/{course.id}/enrollments", params={"page": 99})
    assert (past.status_code, past.json()) == (200, [])


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
