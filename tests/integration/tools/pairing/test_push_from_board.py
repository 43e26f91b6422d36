"""The board's push button over real HTTP, through a sandbox launch: the push runs in the
background, the board shows how far it has got and then the outcome; a failed push says what to
do, and pushing again finishes the job without making anything twice."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from flask import Flask

from ctom_lti.cli import main
from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.records import link_canvas_course, record_cohort
from ctom_lti.cohorts.tenancy import registration_for
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread
from ctom_lti.tools.pairing.push_runs import wait_for_pushes
from tests.integration.lti.test_launch_via_sandbox import Cohort12, launch_from_course
from tests.lti_support import html_forms

from .support import HEADER, SIS, run, write_csv

WRITES = ("POST", "PUT", "DELETE")
QUALIFIED = "current_leader;hands_on;credential;time;work_study"
PEOPLE = f"""{HEADER}
mentor,ruth.castellanos@district.example.org,Ruth Castellanos,Fresno Unified,north,15,\
infrastructure,,2,{QUALIFIED},
candidate,alicia.moreno@district.example.org,Alicia Moreno,Clovis Unified,north,4,,\
infrastructure,,,
candidate,brian.okafor@district.example.org,Brian Okafor,Kern High,north,5,,infrastructure,,,
"""


@dataclass
class Board:
    app: Flask
    sandbox: SandboxServer
    launcher: Cohort12
    browser: Any
    url: str

    def page(self, url: str | None = None) -> str:
        response = self.browser.get(url or self.url, timeout=10)
        assert response.status_code == 200, response.text[:300]
        text: str = response.text
        return text

    def push(self) -> str:
        """Press the push button; the board it leads to."""
        [form] = [f for f in html_forms(self.page()) if f.action.split("?")[0].endswith("/push")]
        pressed = self.browser.post(
            urljoin(self.url, html.unescape(form.action)),
            data=form.fields,
            allow_redirects=False,
            timeout=10,
        )
        assert pressed.status_code == 303, pressed.text[:300]
        return urljoin(self.url, str(pressed.headers["Location"]))

    def progress_url(self, board_url: str) -> str:
        """Where the board's script polls the running push's progress."""
        found = re.search(r'data-push-progress="([^"]+)"', self.page(board_url))
        assert found, "the board shows no running push"
        return urljoin(self.url, html.unescape(found.group(1)))

    def follow(self, board_url: str) -> list[dict[str, Any]]:
        """Poll the push's progress as the board's script does, until it ends."""
        return self.follow_until(self.progress_url(board_url), None)

    def follow_until(self, progress_url: str, words: str | None) -> list[dict[str, Any]]:
        """Poll the push's progress until a line says ``words`` (or, for None, until it ends)."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = self.browser.get(progress_url, timeout=10)
            assert response.status_code == 200, response.text[:300]
            seen.append(response.json())
            said = " ".join(seen[-1]["lines"])
            if words is not None and words in said:
                return seen
            if not seen[-1]["running"]:
                assert words is None, f"the push ended before saying {words!r}: {said}"
                return seen
            time.sleep(0.05)
        raise AssertionError(f"the push did not get that far: {seen[-1:]}")

    def observers(self) -> set[tuple[str, str]]:
        store = self.sandbox.store
        return {
            (store.users[e.user_id].name, store.users[e.associated_user_id].name)
            for e in store.enrollments_in(self.launcher.course.id)
            if e.type == "ObserverEnrollment" and e.associated_user_id
        }


@pytest.fixture
def board(
    app: Flask, sandbox: SandboxServer, tool_server: ServerThread, tmp_path: Path
) -> Iterator[Board]:
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12",
        course_code="CTOM-12",
        sis_course_id=SIS,
        workflow_state="available",
    )
    people = {"admin": store.users[sandbox.admin_user_id]}
    for name, sis, enrollment in (
        ("Alicia Moreno", "cand-001", "StudentEnrollment"),
        ("Brian Okafor", "cand-002", "StudentEnrollment"),
        ("Ruth Castellanos", "mentor-001", "ObserverEnrollment"),
    ):
        login = name.lower().replace(" ", ".") + "@district.example.org"
        people[sis] = store.add_user(name, login, email=login, sis_user_id=sis)
        store.enroll(people[sis].id, course.id, enrollment)
    install = connect_tool_and_sandbox(
        app, sandbox, tool_server.base_url, course_id=course.id, canvas_token=sandbox.admin_token
    )
    example = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml")
    cohort_file = tmp_path / "cohort.toml"
    cohort_file.write_text(example.read_text("utf-8").split("[[pairings]]")[0], encoding="utf-8")
    with session_scope(app) as session:
        platform = registration_for(session, sandbox.base_url)
        config = load_cohort(cohort_file, load_curriculum())
        cohort = record_cohort(session, platform, config, canvas_url=sandbox.base_url)
        link_canvas_course(session, cohort, course.id)
        cohort_id = cohort.id
    launcher = Cohort12(sandbox, tool_server.base_url, course, install.tool, people)
    browser, _ = launch_from_course(launcher, "admin")
    refreshed = app.test_cli_runner().invoke(main, ["roster", "refresh", "--cohort", SIS])
    assert refreshed.exit_code == 0, refreshed.output
    assert run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE))).exit_code == 0
    assert run(app, "propose", "--cohort", SIS).exit_code == 0
    assert run(app, "accept", "--cohort", SIS).exit_code == 0
    home = browser.get(tool_server.base_url + f"/c/{cohort_id}/", timeout=10)
    assert home.status_code == 200, home.text[:300]
    yield Board(app, sandbox, launcher, browser, f"{tool_server.base_url}/c/{cohort_id}/pairing")
    wait_for_pushes(app)


def test_the_board_shows_the_push_running_then_its_outcome(board: Board) -> None:
    # Canvas holds every write until the test lets it through, so each step is seen.
    writes = board.sandbox.gates.hold(methods=WRITES, path_prefix="/api/v1/")
    board_url = board.push()
    running = board.page(board_url)
    assert "Pushing to Canvas…" in running and "<progress" in running
    progress = board.progress_url(board_url)
    planned = board.follow_until(progress, "observer-link changes to make")
    assert planned[0]["running"] is True
    total = int(re.findall(r"Canvas read: (\d+) observer-link", str(planned[-1]["lines"]))[0])
    assert total >= 2
    assert writes.wait_until_holding(1)
    writes.let_through(1)
    made = board.follow_until(progress, "changes made")
    assert f"1 of {total} observer-link changes made…" in made[-1]["lines"]
    writes.open()
    assert board.follow_until(progress, None)[-1]["status"] == "succeeded"
    done = board.page(board_url)
    assert "Pushed to Canvas." in done and "data-push-progress" not in done
    assert "2 mentors" not in done and "observer links checked" in done
    assert board.observers() == {
        ("Ruth Castellanos", "Alicia Moreno"),
        ("Ruth Castellanos", "Brian Okafor"),
    }


def test_a_failed_push_says_what_to_do_and_pushing_again_finishes(board: Board) -> None:
    # Canvas refuses every write: the push fails, and says so on the board.
    board.sandbox.knobs.set(error_rate=1.0)
    failed_url = board.push()
    assert board.follow(failed_url)[-1]["status"] == "failed"
    failed = board.page(failed_url)
    assert "The push to Canvas did not finish." in failed
    assert "What to do:" in failed and "Pushing again is safe" in failed
    assert board.observers() == set()

    board.sandbox.knobs.set(error_rate=0.0)
    again_url = board.push()
    assert again_url != failed_url  # a new push, not the failed one shown again
    assert board.follow(again_url)[-1]["status"] == "succeeded"
    assert "Pushed to Canvas." in board.page(again_url)
    observers = board.observers()
    assert observers == {
        ("Ruth Castellanos", "Alicia Moreno"),
        ("Ruth Castellanos", "Brian Okafor"),
    }
    # A third push has nothing left to do.
    board.sandbox.log.clear()
    third_url = board.push()
    assert board.follow(third_url)[-1]["status"] == "succeeded"
    third = board.page(third_url)
    assert "observer links checked: 3 unchanged." in third
    assert board.sandbox.log.writes() == []


def test_a_second_click_while_a_push_runs_follows_the_same_push(board: Board) -> None:
    board.sandbox.knobs.set(latency_ms=300.0)
    first = board.push()
    second = board.push()
    assert second == first
    assert board.follow(first)[-1]["status"] == "succeeded"
