"""Who is here, and may they see this page? Views ask this module, never the claims.

A session is bound to the one course (cohort) it was launched from. Every tool page lives under
``/c/<cohort_id>/...``; a page of another cohort answers 403 even for a valid session, so a launch
in course A cannot reach course B's pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from flask import g, session

from ctom_lti.errors import Forbidden, NotAuthenticated
from ctom_lti.lti.session_launch import SessionLaunch, launch_from_session_data
from ctom_lti.models import Role

if TYPE_CHECKING:
    from ctom_lti.features import FeatureRegistry

__all__ = [
    "SessionLaunch",
    "current_launch",
    "launch_required",
    "require_launch",
    "require_page_roles",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Session key holding the launch (see :func:`launch_session_data`).
LAUNCH_KEY = "launch"


def current_launch() -> SessionLaunch | None:
    """The current request's launch, or None when the request has no launched session."""
    if "ctom_launch" in g:
        cached: SessionLaunch | None = g.ctom_launch
        return cached
    data = session.get(LAUNCH_KEY)
    launch = launch_from_session_data(data) if isinstance(data, dict) else None
    g.ctom_launch = launch
    return launch


def require_launch(cohort_id: int | None = None, roles: tuple[Role, ...] = ()) -> SessionLaunch:
    """Return the launch, or raise the 401/403 a person should see.

    Views do not call this: :func:`launch_required` does, and hands them the launch.

    :raises NotAuthenticated: no launched session (opened outside Canvas, or expired).
    :raises Forbidden: the page belongs to another cohort, or needs a role the person lacks.
    """
    launch = current_launch()
    if launch is None:
        raise NotAuthenticated()
    if cohort_id is not None and cohort_id != launch.cohort_id:
        raise Forbidden(
            "This page belongs to a different course than the one you opened CTO Mentor from.",
            hint="Open CTO Mentor from that course in Canvas.",
        )
    if roles and not launch.has_any(*roles):
        names = " or ".join(r.value for r in roles)
        raise Forbidden(f"This page is for the {names} role in this cohort.")
    return launch


def require_page_roles(
    registry: FeatureRegistry, endpoint: str | None, view_args: Mapping[str, Any] | None
) -> None:
    """Refuse the request when ``endpoint`` is a feature page whose roles the person lacks
    (before its view runs, as ``register_features`` arranges for every request)."""
    page = registry.page_for_endpoint(endpoint)
    if page is not None and page.roles:
        cohort_id = (view_args or {}).get("cohort_id")
        require_launch(cohort_id if isinstance(cohort_id, int) else None, tuple(sorted(page.roles)))


def launch_required(
    *roles: Role,
) -> Callable[[Callable[Concatenate[SessionLaunch, P], R]], Callable[P, R]]:
    """Decorate a view: it needs a launched session, bound to the URL's ``cohort_id``, and
    receives that launch as its first argument — the one way views get the launch::

        @bp.get("/c/<int:cohort_id>/profile")
        @launch_required()
        def edit(launch: SessionLaunch, cohort_id: int) -> str: ...

    With ``roles``, the person must hold at least one of them in this cohort.
    """

    def decorator(view: Callable[Concatenate[SessionLaunch, P], R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            cohort_id = kwargs.get("cohort_id")
            launch = require_launch(cohort_id if isinstance(cohort_id, int) else None, roles)
            return view(launch, *args, **kwargs)

        return wrapper

    return decorator
