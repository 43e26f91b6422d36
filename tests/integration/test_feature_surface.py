"""What a feature view can rely on: the launch handed to it, roles enforced before it runs, and
every error the tool raises answered as a page that says what to do (never a 500)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask
from flask.testing import FlaskClient

from ctom_lti.lti.access import launch_required
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.models import Role
from tests.lti_fixtures import LaunchActions


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
    home = lti.launch("instructor").headers["Location"]
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
    home = lti.launch("candidate").headers["Location"]
    assert home is not None

    page = client.get(home + "probe/staff")

    assert page.status_code == 403
    assert "instructor or admin" in page.get_data(as_text=True)
    assert seen == []
    # Opened outside Canvas (no launched session): asked to open it from Canvas.
    assert app.test_client().get(home + "probe/staff").status_code == 401
