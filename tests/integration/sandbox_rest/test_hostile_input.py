"""Bad input anywhere in the API gets a 4xx with a body, never a 5xx (issue 3; brief rule)."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor

from canvasapi.course import Course

from ctom_lti.sandbox import content, wiki_pages
from ctom_lti.sandbox.server import SandboxServer

#: parameters shaped wrongly: a scalar where a hash goes, hashes and arrays where scalars go
NASTY: list[dict[str, str]] = [
    {"course": "x", "module": "x", "assignment": "x", "wiki_page": "x", "enrollment": "x"},
    {"module[name][x]": "1", "module_item[type][]": "Page", "module[position]": "first"},
    {"assignment[name][]": "x", "assignment[points_possible]": "lots", "assignment[due_at]": "?"},
    {"wiki_page[title][a]": "x", "wiki_page[published]": "maybe", "wiki_page[editing_roles]": "x"},
    {"enrollment[user_id]": "sis_user_id:nobody", "enrollment[role_id]": "x"},
    {"grade_data[x]": "pass", "grade_data[1][posted_grade][]": "x", "submission": "x"},
    {"student_ids[]": "abc", "assignment_ids[]": "zz", "per_page": "-1", "page": "x"},
    {"integration_data": "{not json", "rules": "x", "position": "z", "group_weight": "w"},
    {"a": "1", "a[b]": "2"},
    {"course[start_at]": "2025-13-45", "course[restrict_enrollments_to_course_dates]": "1"},
    {"search_term": "x", "include[]": "everything", "event": "explode", "task": "vanish"},
    {"client_id": "not-a-key", "name": "", "privacy_level": "secret"},
]


def test_no_endpoint_answers_bad_input_with_a_server_error(
    sandbox: SandboxServer, course: Course
) -> None:
    s = sandbox.store
    student = s.add_user("Student", "student@x.org")
    s.enroll(student.id, course.id, "StudentEnrollment")
    module = content.create_module(s, course.id, "M")
    a = content.create_assignment(s, course.id, "A", published=True)
    item = content.add_module_item(s, module, "Assignment", "A", content_id=a.id)
    page = wiki_pages.create_page(s, course.id, "P")
    ids = {
        "course_id": [str(course.id), "sis_course_id:missing", "x"],
        "account_id": ["self", "x"],
        "module_id": [str(module.id)],
        "item_id": [str(item.id)],
        "assignment_id": [str(a.id), "sis_assignment_id:"],
        "user_id": [str(student.id), "self", "sis_login_id:"],
        "url_or_id": [page.url, "page_id:x"],
        "unrouted": ["nope"],
    }
    client = sandbox.app.test_client()
    headers = {"Authorization": f"Bearer {sandbox.admin_token}"}
    failures = []
    for rule in sandbox.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        options = [ids.get(arg, ["1", "x"]) for arg in sorted(rule.arguments)]
        for values in itertools.product(*options):
            path = rule.rule
            for arg, value in zip(sorted(rule.arguments), values, strict=True):
                path = re.sub(rf"<(?:\w+:)?{arg}>", value, path)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                for params in NASTY:
                    if method == "GET":
                        resp = client.get(path, query_string=params, headers=headers)
                    else:
                        resp = client.open(path, method=method, data=params, headers=headers)
                    if resp.status_code >= 500 or not resp.get_data():
                        failures.append((method, path, params, resp.status_code))
    assert failures == []


def test_concurrent_creates_keep_positions_unique(course: Course, sandbox: SandboxServer) -> None:
    sandbox.log.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: course.create_module(module={"name": f"M{n}"}), range(24)))
    positions = [m.position for m in course.get_modules()]
    assert positions == list(range(1, 25))
    assert sandbox.log.count(method="POST") == 24
