"""A course where a candidate can launch the tool, served on ``localhost`` beside the sandbox
Canvas on ``127.0.0.1`` (two sites, so the tool in Canvas's iframe is third-party; the
``tool_server`` fixture is shared with the launch tests)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from ctom_lti.demo import connect_tool_and_sandbox
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread


@pytest.fixture
def launchable(sandbox: SandboxServer, tool_server: ServerThread, app: Flask) -> dict[str, Any]:
    """A course with a candidate, and the tool registered on both sides as an admin would."""
    store = sandbox.store
    course = store.add_course(
        "CTO Mentor Program - Cohort 12",
        course_code="CTOM-12",
        sis_course_id="CTOM-COHORT-12",
        workflow_state="available",
    )
    candidate = store.add_user(
        "Alicia Moreno", "amoreno@district.example.org", email="amoreno@district.example.org"
    )
    store.enroll(candidate.id, course.id, "StudentEnrollment")
    # Canvas side: "Enter URL" with the tool's developer-key JSON, then install in the course;
    # tool side: what `ctom-lti platform add` stores.
    install = connect_tool_and_sandbox(app, sandbox, tool_server.base_url, course_id=course.id)
    return {"course": course, "candidate": candidate, "tool": install.tool}
