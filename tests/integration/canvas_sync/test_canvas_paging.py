"""The gateway reads Canvas's lists the only way Canvas allows: by following ``next``.

Canvas pages enrollments by bookmark (``page=first``, ``page=bookmark:…``) and sends no
``rel="last"`` for them or for course users, so a client that built ``?page=2`` or read
``last`` would see the first page again or stop early.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ctom_lti.canvas.dto import CourseFields
from ctom_lti.sandbox.server import SandboxServer

from .conftest import fast_gateway


def test_enrollment_lists_follow_bookmarks_to_the_end(sandbox: SandboxServer) -> None:
    gw = fast_gateway(sandbox)
    course = gw.create_course(1, CourseFields("Big cohort", "BIG"))
    for n in range(130):
        user = sandbox.store.add_user(f"Candidate {n:03d}", f"c{n}@district.example.org")
        sandbox.store.enroll(user.id, course.id, "StudentEnrollment", state="active")
    sandbox.log.clear()
    enrollments = gw.list_enrollments(course.id, ["StudentEnrollment"])
    assert len({e.user_id for e in enrollments}) == len(enrollments) == 130
    pages = [parse_qs(entry.query).get("page", [""])[0] for entry in sandbox.log.reads()]
    # The first request names no page; the second is the bookmark Canvas's next link gave.
    assert len(pages) == 2
    assert pages[0] in ("", "first") and pages[1].startswith("bookmark:")
