"""The grade outbox's tests run against a cohort whose Canvas course is in the sandbox."""

from __future__ import annotations

import pytest
from flask import Flask

from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.serving import ServerThread

from .graded import GradedCohort, make_graded_cohort


@pytest.fixture
def graded(app: Flask, sandbox: SandboxServer, tool_server: ServerThread) -> GradedCohort:
    return make_graded_cohort(app, sandbox, tool_server.base_url)
