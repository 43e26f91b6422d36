"""``ctom-lti demo``: both servers up, registered with each other, the course built by sync."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from ctom_lti.cli import main
from ctom_lti.db import session_scope
from ctom_lti.demo import DEMO_ADMIN_TOKEN, DemoStack, start_demo
from ctom_lti.lti.registrations import list_platforms


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    stack = start_demo(
        instance_path=str(tmp_path_factory.mktemp("demo")),
        sandbox_port=0,
        tool_port=0,
        progress=False,
    )
    yield stack
    stack.stop()


def test_demo_course_is_built_by_the_course_sync(demo: DemoStack) -> None:
    assert demo.sync_report is not None
    assert demo.sync_report.ok
    store = demo.sandbox.store
    names = [m.name for m in store.modules.values() if m.course_id == demo.course_id]
    assert {"Technology Strand", "Education Strand", "Leadership Strand", "Sessions"} <= set(names)
    assignments = [a for a in store.assignments.values() if a.course_id == demo.course_id]
    assert sum(a.grading_type == "pass_fail" for a in assignments) >= 16 + 8


def test_demo_people_match_the_programme(demo: DemoStack) -> None:
    seed = demo.sandbox.demo
    assert seed is not None
    assert (len(seed.instructors), len(seed.candidates), len(seed.mentors)) == (2, 12, 5)
    observed = [
        e.associated_user_id
        for e in demo.sandbox.store.enrollments_in(demo.course_id)
        if e.type == "ObserverEnrollment"
    ]
    assert Counter(observed) == Counter(c.id for c in seed.candidates)


def test_tool_and_sandbox_know_each_other(demo: DemoStack) -> None:
    with session_scope(demo.app) as session:
        platforms = list_platforms(session)
    assert [(p.issuer, p.client_id) for p in platforms] == [
        (demo.sandbox.store.issuer, demo.client_id)
    ]
    config = requests.get(f"{demo.tool.base_url}/lti/config.json", timeout=5).json()
    assert config["oidc_initiation_url"] == f"{demo.tool.base_url}/lti/login"
    page = requests.get(demo.sandbox.base_url + "/", timeout=5)
    assert page.status_code == 200
    assert "Alicia Moreno" in page.text


def test_demo_cohort_file_syncs_again_whatever_the_tool_address_setting(
    demo: DemoStack,
) -> None:
    """The README invites ``ctom-lti sync instance/demo-cohort.toml`` after the demo; with the
    tool's address set to something else the file still names the demo's tool, so the course
    is found already right instead of its tool links wanting a tool Canvas does not have."""
    cohort_file = Path(demo.app.instance_path) / "demo-cohort.toml"
    assert f'base_url = "{demo.tool.base_url}"' in cohort_file.read_text("utf-8")
    saved = demo.app.config["BASE_URL"]
    demo.app.config["BASE_URL"] = "http://localhost:5999"
    try:
        result = demo.app.test_cli_runner().invoke(
            main,
            ["sync", str(cohort_file), "--dry-run"],
            env={"CTOM_CANVAS_URL": demo.sandbox.base_url, "CTOM_CANVAS_TOKEN": DEMO_ADMIN_TOKEN},
        )
    finally:
        demo.app.config["BASE_URL"] = saved
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.stdout


def test_demo_command_explains_a_port_already_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            main,
            ["demo", "--sandbox-port", str(port), "--tool-port", "0"],
            env={"CTOM_INSTANCE_PATH": str(tmp_path)},
        )
    assert result.exit_code != 0
    assert "--sandbox-port" in result.output
    assert "Traceback" not in result.output
