"""Registrations and cohort files for the cohort tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from flask import Flask

from ctom_lti.lti.registrations import RegistrationInput, register_platform

EXAMPLE = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")
SCHOOL = "https://school.instructure.com"


def register_tenant(
    app: Flask,
    *,
    issuer: str,
    client_id: str,
    canvas_url: str | None,
    name: str | None = None,
    deployment_id: str | None = None,
    key_set_url: str = "https://sso.canvaslms.com/api/lti/security/jwks",
    auth_login_url: str = "https://sso.canvaslms.com/api/lti/authorize_redirect",
    auth_token_url: str = "https://sso.canvaslms.com/login/oauth2/token",
    canvas_token: str | None = None,
) -> int:
    """A registration as ``ctom-lti platform add`` makes it; its id."""
    result = register_platform(
        app,
        RegistrationInput(
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            key_set_url=key_set_url,
            deployment_ids=(deployment_id or f"1:{client_id}",),
            name=name,
            canvas_url=canvas_url,
            canvas_token=canvas_token,
        ),
    )
    return result.platform_id


def cohort_file(tmp_path: Path, *, canvas_url: str | None = SCHOOL, text: str = EXAMPLE) -> Path:
    """The example cohort file, naming ``canvas_url`` under ``[cohort]``."""
    if canvas_url is not None:
        text = text.replace("[cohort]\n", f'[cohort]\ncanvas_url = "{canvas_url}"\n', 1)
    path = tmp_path / "cohort.toml"
    path.write_text(text, encoding="utf-8")
    return path
