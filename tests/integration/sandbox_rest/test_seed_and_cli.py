"""The demo seed seen through the REST API, and ``ctom-lti sandbox serve`` as a real process."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from canvasapi import Canvas

from ctom_lti.sandbox.seed import COURSE_SIS_ID
from ctom_lti.sandbox.server import SandboxServer
from tests.sandbox_fixtures import make_canvas


def test_demo_seed_links_every_candidate_to_exactly_one_mentor(
    sandbox: SandboxServer, canvas: Canvas
) -> None:
    sandbox.reset(seed="demo")
    course = canvas.get_course(COURSE_SIS_ID, use_sis_id=True)
    enrollments = list(course.get_enrollments())
    types = Counter(e.type for e in enrollments)
    assert types["TeacherEnrollment"] == 2
    assert types["StudentEnrollment"] == 12

    observers = [e for e in enrollments if e.type == "ObserverEnrollment"]
    students = {e.user_id for e in enrollments if e.type == "StudentEnrollment"}
    observed = Counter(e.associated_user_id for e in observers)
    assert set(observed) == students and set(observed.values()) == {1}
    per_mentor = Counter(e.user_id for e in observers)
    assert len(per_mentor) == 5 and set(per_mentor.values()) <= {2, 3}
    assert {e.role for e in observers} == {"ObserverEnrollment", "Mentor"}
    assert list(course.get_modules()) == []  # content comes from the real sync

    admin = canvas.get_user(sandbox.admin_user_id)
    assert admin.login_id.endswith("@district.example.org")


def test_demo_seed_without_course(sandbox: SandboxServer) -> None:
    sandbox.reset(seed="demo", seed_course=False)
    assert sandbox.store.courses == {}
    assert len(sandbox.store.users) == 20


def test_serve_command_prints_url_and_token_and_serves(tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("ctom-lti")
    proc = subprocess.Popen(
        [str(cli), "sandbox", "serve", "--port", "0", "--admin-token", "1~cli", "--seed", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Sandbox Canvas running at http://127.0.0.1:")
        base_url = first.rsplit(" ", 1)[1].strip()
        assert proc.stdout.readline().strip() == "Account-admin API token: 1~cli"
        course = make_canvas(base_url, "1~cli").get_course(COURSE_SIS_ID, use_sis_id=True)
        assert course.workflow_state == "available"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "Stopping." in out
