"""What a feature view can rely on: the launch handed to it, roles enforced before it runs, and
every error the tool raises answered as a page that says what to do (never a 500)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

import ctom_lti
from ctom_lti import app_features, create_app
from ctom_lti.config import Setting
from ctom_lti.errors import CtomError
from ctom_lti.features import Feature
from ctom_lti.lti.access import launch_required
from ctom_lti.lti.advantage import PlatformServiceError, ServiceUnavailable
from ctom_lti.lti.keys import KeyringError
from ctom_lti.lti.launch_outcome import LaunchRefused
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from tests.lti_fixtures import LaunchActions
from tests.lti_support import landed


def probe_blueprint(
    seen: list[SessionLaunch], raising: Callable[[], None] | None = None
) -> Blueprint:
    """A feature with one page for instructors and one for anyone launched."""
    bp = Blueprint("probe", __name__)

    @bp.get("/c/<int:cohort_id>/probe/staff")
    @launch_required(Role.INSTRUCTOR, Role.ADMIN)
    def staff(launch: SessionLaunch, cohort_id: int) -> str:
        seen.append(launch)
        return f"hello {launch.display_name} in {cohort_id}"

    @bp.get("/c/<int:cohort_id>/probe/fails")
    @launch_required()
    def fails(launch: SessionLaunch, cohort_id: int) -> str:
        assert raising is not None
        raising()
        return "unreachable"

    return bp


def test_views_get_the_launch_of_their_cohort(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    seen: list[SessionLaunch] = []
    app.register_blueprint(probe_blueprint(seen))
    home = landed(lti.launch("instructor"))
    assert home is not None

    page = client.get(home + "probe/staff")

    assert page.status_code == 200
    [launch] = seen
    assert launch.roles == {Role.INSTRUCTOR}
    assert page.get_data(as_text=True) == f"hello {launch.display_name} in {launch.cohort_id}"
    other_cohort = home.replace(f"/c/{launch.cohort_id}/", f"/c/{launch.cohort_id + 1}/")
    assert client.get(other_cohort + "probe/staff").status_code == 403
    assert len(seen) == 1


def test_a_role_the_person_lacks_is_refused_before_the_view_runs(
    app: Flask, lti: LaunchActions, client: FlaskClient
) -> None:
    seen: list[SessionLaunch] = []
    app.register_blueprint(probe_blueprint(seen))
    home = landed(lti.launch("candidate"))
    assert home is not None

    page = client.get(home + "probe/staff")

    assert page.status_code == 403
    assert "instructor or admin" in page.get_data(as_text=True)
    assert seen == []
    # Opened outside Canvas (no launched session): asked to open it from Canvas.
    assert app.test_client().get(home + "probe/staff").status_code == 401


def _raise(exc: Exception) -> Callable[[], None]:
    def go() -> None:
        raise exc

    return go


@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (
            ServiceUnavailable("Canvas did not offer the course roster to this launch."),
            503,
            "roster",
        ),
        (
            PlatformServiceError("Canvas refused to record a grade.", platform_status=422),
            502,
            "grade",
        ),
        (LaunchRefused("This launch has expired."), 400, "open the tool again"),
        (KeyringError("The tool has no signing key yet."), 503, "ctom-lti init"),
    ],
)
def test_errors_escaping_a_feature_view_are_pages_that_say_what_to_do(
    app: Flask, lti: LaunchActions, error: Exception, status: int, shown: str
) -> None:
    app.register_blueprint(probe_blueprint([], _raise(error)))
    client = lti.client
    home = landed(lti.launch("candidate"))
    assert home is not None

    page = client.get(home + "probe/fails")

    assert page.status_code == status
    body = page.get_data(as_text=True)
    assert isinstance(error, CtomError)
    assert error.title in body and shown in body
    api = client.get(home + "probe/fails", headers={"Accept": "application/json"})
    assert api.status_code == status
    assert api.get_json() == {"error": error.title, "message": error.message, "hint": error.hint}


def _tool_modules() -> list[str]:
    """Every module of the tool; the sandbox (a stand-in for Canvas) and migrations aside."""
    return [
        info.name
        for info in pkgutil.walk_packages(ctom_lti.__path__, "ctom_lti.")
        if not info.name.startswith(("ctom_lti.sandbox", "ctom_lti.migrations"))
    ]


def test_every_error_type_the_tool_defines_is_mapped_to_a_page() -> None:
    defined = [
        cls
        for name in _tool_modules()
        for cls in vars(importlib.import_module(name)).values()
        if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == name
    ]
    assert len(defined) > 20
    assert [c.__qualname__ for c in defined if not issubclass(c, CtomError)] == []
    assert all(100 <= c.status < 600 and c.title and c.hint for c in defined)  # type: ignore[attr-defined]


def test_a_feature_declares_its_settings_and_the_one_loader_reads_them(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = Feature(
        name="probe",
        blueprint=Blueprint("probe", __name__),
        settings=(Setting("PROBE_WINDOW_DAYS", 7, int), Setting("PROBE_TITLE", "Probe")),
    )
    monkeypatch.setenv("CTOM_PROBE_WINDOW_DAYS", "3")

    app = create_app(app_config, features=(*app_features(), probe))

    assert app.config["PROBE_WINDOW_DAYS"] == 3
    assert app.config["PROBE_TITLE"] == "Probe"
    clash = Feature(
        name="clash", blueprint=Blueprint("clash", __name__), settings=(Setting("BASE_URL", ""),)
    )
    with pytest.raises(ValueError, match="BASE_URL"):
        create_app(app_config, features=(*app_features(), clash))
