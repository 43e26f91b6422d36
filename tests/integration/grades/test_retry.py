"""A post Canvas refuses for a reason a person must fix is marked failed with Canvas's words;
once fixed, Retry (on the staff page, or ``ctom-lti grades retry``) posts it once."""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin

from ctom_lti.cli import main
from ctom_lti.grades.worker import drain
from ctom_lti.sandbox.store import User

from .graded import REPORT, GradedCohort
from .launching import launch


def _failed_post(graded: GradedCohort) -> tuple[int, User]:
    store = graded.sandbox.store
    late = store.add_user("Dana Whitfield", "dana@district.example.org", email="dana@x.org")
    graded.add_person(late)
    post_id = graded.enqueue(REPORT, late)
    graded.enqueue(REPORT, graded.candidates[0])
    drain(graded.app)
    row = graded.post(post_id)
    assert row.state == "failed"
    assert row.last_error == (
        "Canvas refused to record a grade: User not found in course or is not a student"
    )
    return post_id, late


def test_the_retry_button_reposts_a_failed_grade_once_fixed(graded: GradedCohort) -> None:
    post_id, late = _failed_post(graded)
    teacher = graded.sandbox.store.add_user("Marcus Ellery", "marcus@district.example.org")
    graded.sandbox.store.enroll(teacher.id, graded.course.id, "TeacherEnrollment")
    browser, carry = launch(graded, teacher)
    page_url = f"{graded.tool_url}/c/{graded.cohort_id}/grades" + (f"?{carry}" if carry else "")

    page = browser.get(page_url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    assert "Dana Whitfield" in page.text
    assert "User not found in course or is not a student" in page.text
    assert "needs a person" in page.text

    # The programme admin enrols Dana in the course, then retries from the page.
    graded.sandbox.store.enroll(late.id, graded.course.id, "StudentEnrollment")
    form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token" '
        r'value="([^"]+)">(.*?)<input type="hidden" name="post_id" value="(\d+)">',
        page.text,
        re.S,
    )
    assert form is not None and int(form.group(4)) == post_id
    hidden = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(3)))
    answer = browser.post(
        graded.tool_url + form.group(1).replace("&amp;", "&"),
        data={"csrf_token": form.group(2), "post_id": str(post_id), **hidden},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text[:500]

    # Posted right after the answer, without waiting for a worker.
    deadline = time.monotonic() + 15
    while graded.post(post_id).state != "sent" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert graded.post(post_id).state == "sent"
    assert graded.canvas_score(REPORT, late) == (1.0, 1)
    again = browser.get(urljoin(graded.tool_url, answer.headers["Location"]), timeout=10)
    assert "1 grade post sent to Canvas again" in again.text
    assert "Every grade is in Canvas." in again.text


def test_grades_retry_on_the_command_line(graded: GradedCohort) -> None:
    post_id, late = _failed_post(graded)
    runner = graded.app.test_cli_runner()

    status = runner.invoke(main, ["grades", "status", "--cohort", "CTOM-2026-C12"])
    assert status.exit_code == 0, status.output
    assert "failed: 1" in status.output
    assert f"#{post_id} failed" in status.output
    assert "User not found in course" in status.output

    graded.sandbox.store.enroll(late.id, graded.course.id, "StudentEnrollment")
    retried = runner.invoke(main, ["grades", "retry", "--cohort", "CTOM-2026-C12"])
    assert retried.exit_code == 0, retried.output
    assert "Retried 1: 1 sent" in retried.output
    assert graded.canvas_score(REPORT, late) == (1.0, 1)
    again = runner.invoke(main, ["grades", "retry", "--cohort", "CTOM-2026-C12"])
    assert "Nothing to retry" in again.output
    unknown = runner.invoke(main, ["grades", "status", "--cohort", "NOPE"])
    assert unknown.exit_code == 2
