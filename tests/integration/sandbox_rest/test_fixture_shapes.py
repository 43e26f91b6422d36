"""Response shapes compared with canvasapi's own fixtures (canvas-rest.md §8).

The fixtures are what canvasapi's tests feed it, so every key they hold is one a reader of
Canvas JSON may look for. The few fixture keys the sandbox leaves out are known fixture errors
(canvas-rest.md §8 and the endpoint sections): modules have no ``workflow_state``, pages carry
``page_id`` rather than ``id``, canvasapi injects ``course_id`` into assignment groups itself,
submissions have ``preview_url`` rather than ``html_url``, and ``account_id`` / ``progress``
belong to account-level group categories.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import Api

#: canvasapi's fixtures (MIT, licence beside them), shipped with the tests.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "canvasapi"
KNOWN_FIXTURE_ONLY = {
    ("course.json", "create_module"): {"workflow_state"},
    ("course.json", "create_page"): {"id"},
    ("page.json", "get_page"): {"id"},
    ("assignment.json", "list_assignment_groups"): {"course_id"},
    ("submission.json", "get_by_id_course"): {"html_url"},
    ("course.json", "create_group_category"): {"account_id", "progress"},
    # canvasapi's fixture echoes the request's parameters; Canvas answers with conversations
    ("conversation.json", "create_conversation"): {"recipients", "body"},
}


def fixture_keys(file: str, name: str) -> set[str]:
    data = json.loads((FIXTURES / file).read_text())[name]["data"]
    return set(data[0] if isinstance(data, list) else data)


@pytest.fixture
def responses(sandbox: SandboxServer, api: Api) -> dict[tuple[str, str], dict[str, Any]]:
    """One real response of each kind, produced through the API."""
    student = sandbox.store.add_user("Student One", "s1@district.example.org")
    c = api.post("accounts/self/courses", data={"course[name]": "C"}).json()
    cid = c["id"]
    sandbox.store.enroll(student.id, cid, "StudentEnrollment")
    m = api.post(f"courses/{cid}/modules", data={"module[name]": "M"}).json()
    a = api.post(
        f"courses/{cid}/assignments",
        data={"assignment[name]": "A", "assignment[published]": "true"},
    ).json()
    item = api.post(
        f"courses/{cid}/modules/{m['id']}/items",
        data={"module_item[type]": "Assignment", "module_item[content_id]": a["id"]},
    ).json()
    page = api.post(f"courses/{cid}/pages", data={"wiki_page[title]": "P"}).json()
    enrollment = api.get(f"courses/{cid}/enrollments").json()[0]
    subs = f"courses/{cid}/students/submissions"
    category = api.post(f"courses/{cid}/group_categories", data={"name": "G"}).json()
    group = api.post(f"group_categories/{category['id']}/groups", data={"name": "g1"}).json()
    progress = api.post(
        f"courses/{cid}/assignments/{a['id']}/submissions/update_grades",
        data={f"grade_data[{student.id}][posted_grade]": "1"},
    ).json()
    [conversation] = api.post(
        "conversations",
        data={"recipients[]": str(student.id), "subject": "S", "body": "B", "force_new": "1"},
    ).json()
    sandbox.store.issue_token(student.id, "student-token")
    as_student = api.as_user("student-token")
    return {
        ("conversation.json", "create_conversation"): conversation,
        ("conversation.json", "get_conversations"): as_student.get("conversations").json()[0],
        ("conversation.json", "get_by_id"): as_student.get(
            f"conversations/{conversation['id']}"
        ).json(),
        ("course.json", "get_by_id"): c,
        ("account.json", "get_by_sis_id"): api.get("accounts/self").json(),
        ("course.json", "create_module"): m,
        ("module.json", "create_module_item"): item,
        ("course.json", "create_page"): page,
        ("page.json", "get_page"): api.get(f"courses/{cid}/pages/{page['url']}").json(),
        ("assignment.json", "list_assignment_groups"): api.get(
            f"courses/{cid}/assignment_groups"
        ).json()[0],
        ("course.json", "create_assignment"): a,
        ("course.json", "list_enrollments"): enrollment,
        ("enrollment.json", "get_by_id"): enrollment,
        ("course.json", "create_section"): api.get(f"courses/{cid}/sections").json()[0],
        ("submission.json", "get_by_id_course"): api.get(
            subs, params={"student_ids[]": "all"}
        ).json()[0],
        ("course.json", "list_multiple_submissions_grouped"): api.get(
            subs, params={"student_ids[]": "all", "grouped": "true"}
        ).json()[0],
        ("user.json", "get_by_id"): api.get(f"users/{student.id}").json(),
        ("course.json", "update_submissions"): progress,
        ("progress.json", "course_progress"): progress,
        ("course.json", "create_group_category"): category,
        ("group.json", "category_create_group"): group,
        ("group.json", "create_membership"): api.post(
            f"groups/{group['id']}/memberships", data={"user_id": student.id}
        ).json(),
        ("external_tool.json", "create_tool_course"): api.post(
            f"courses/{cid}/external_tools",
            data={
                "name": "t",
                "privacy_level": "public",
                "consumer_key": "k",
                "shared_secret": "s",
                "url": "https://tool.example/launch",
            },
        ).json(),
    }


def test_responses_hold_every_key_the_fixtures_show(
    responses: dict[tuple[str, str], dict[str, Any]],
) -> None:
    missing = {
        kind: sorted(fixture_keys(*kind) - set(body) - KNOWN_FIXTURE_ONLY.get(kind, set()))
        for kind, body in responses.items()
    }
    assert {kind: keys for kind, keys in missing.items() if keys} == {}


def test_ids_are_integers_and_timestamps_end_in_z(
    responses: dict[tuple[str, str], dict[str, Any]],
) -> None:
    for body in responses.values():
        ident = body.get("id", body.get("page_id", body.get("user_id")))
        assert isinstance(ident, int), body
        for key, value in body.items():
            if key.endswith("_at") and value is not None:
                assert value.endswith("Z"), (key, value)
