"""A cohort's Canvas, reached with its registration's stored address and token (no environment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from ctom_lti.cli import main
from ctom_lti.cohorts.canvas_access import cohort_gateway
from ctom_lti.cohorts.errors import CanvasAccessMissing
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.lti.registrations import get_fernet
from ctom_lti.sandbox.server import SandboxServer

from .support import cohort_file, register_tenant


def _import(app: Flask, tmp_path: Path, canvas_url: str) -> None:
    path = cohort_file(tmp_path, canvas_url=canvas_url)
    result = app.test_cli_runner().invoke(main, ["cohort", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_the_gateway_reads_the_cohorts_canvas_with_the_stored_token(
    app: Flask, sandbox: SandboxServer, tmp_path: Path, session: Session
) -> None:
    register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="100",
        canvas_url=sandbox.base_url,
        canvas_token=sandbox.admin_token,
    )
    course = sandbox.store.add_course("Cohort 12 in Canvas", sis_course_id="CTOM-2026-C12")
    _import(app, tmp_path, sandbox.base_url)

    # Only the registration says where Canvas is and which token to use.
    gateway = cohort_gateway(session, find_cohort(session, "CTOM-2026-C12"), get_fernet(app))
    found = gateway.find_course_by_sis("CTOM-2026-C12")
    assert found is not None and found.id == course.id
    assert found.name == "Cohort 12 in Canvas"
    assert gateway.base_url == sandbox.base_url


def test_a_registration_without_a_token_is_explained(
    app: Flask, tmp_path: Path, session: Session
) -> None:
    register_tenant(
        app,
        issuer="https://canvas.instructure.com",
        client_id="100",
        canvas_url="https://school.instructure.com",
    )
    _import(app, tmp_path, "https://school.instructure.com")
    with pytest.raises(CanvasAccessMissing) as refused:
        cohort_gateway(session, find_cohort(session, "CTOM-2026-C12"), get_fernet(app))
    assert "has no Canvas address and API token stored" in refused.value.message
    assert "ctom-lti platform add" in refused.value.hint
