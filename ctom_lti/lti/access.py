"""Who is here, and may they see this page? Views ask this module, never the claims.

A session is bound to the one course (cohort) it was launched from. Every tool page lives under
``/c/<cohort_id>/...``; a page of another cohort answers 403 even for a valid session, so a launch
in course A cannot reach course B's pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import g, session

from ctom_lti.errors import Forbidden, NotAuthenticated
from ctom_lti.lti.context import DeepLinkSettings
from ctom_lti.lti.roles import ROLE_PRECEDENCE
from ctom_lti.models import Role

P = ParamSpec("P")
R = TypeVar("R")

#: Session key holding the launch (see :func:`launch_session_data`).
LAUNCH_KEY = "launch"


@dataclass(frozen=True)
class SessionLaunch:
    """The launch this session belongs to, as the tool's pages need it."""

    person_id: int
    cohort_id: int
    platform_id: int
    #: LTI ``sub`` of the person.
    sub: str
    #: LTI ``deployment_id`` the launch came through.
    deployment_id: str
    roles: frozenset[Role]
    #: LTI ``sub`` ids of the candidates Canvas says this mentor observes.
    mentee_subs: tuple[str, ...]
    display_name: str
    cohort_title: str
    message_type: str
    #: Canvas placement that launched the tool (e.g. ``course_navigation``).
    placement: str | None = None
    deep_link: DeepLinkSettings | None = None
    services: Mapping[str, Any] | None = None

    @property
    def primary_role(self) -> Role | None:
        for role in ROLE_PRECEDENCE:
            if role in self.roles:
                return role
        return None

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def current_launch() -> SessionLaunch | None:
    """The current request's launch, or None when the request has no launched session."""
    if "ctom_launch" in g:
        cached: SessionLaunch | None = g.ctom_launch
        return cached
    data = session.get(LAUNCH_KEY)
    launch = _from_data(data) if isinstance(data, dict) else None
    g.ctom_launch = launch
    return launch


def _from_data(data: Mapping[str, Any]) -> SessionLaunch | None:
    try:
        dl = data.get("dl")
        return SessionLaunch(
            person_id=int(data["person"]),
            cohort_id=int(data["cohort"]),
            platform_id=int(data["platform"]),
            sub=str(data["sub"]),
            deployment_id=str(data["deployment"]),
            roles=frozenset(Role(r) for r in data.get("roles", ())),
            mentee_subs=tuple(data.get("mentees", ())),
            display_name=str(data.get("name") or "You"),
            cohort_title=str(data.get("cohort_title") or ""),
            message_type=str(data.get("message_type") or ""),
            placement=data.get("placement"),
            deep_link=(
                DeepLinkSettings(
                    return_url=dl["return_url"],
                    accept_types=tuple(dl.get("accept_types", ())),
                    accept_presentation_document_targets=tuple(dl.get("targets", ())),
                    accept_multiple=bool(dl.get("accept_multiple")),
                    data=dl.get("data"),
                    title=dl.get("title"),
                )
                if isinstance(dl, dict)
                else None
            ),
            services=data.get("services"),
        )
    except (KeyError, TypeError, ValueError):
        return None


def require_launch(cohort_id: int | None = None, roles: tuple[Role, ...] = ()) -> SessionLaunch:
    """Return the launch, or raise the 401/403 a person should see.

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


def launch_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a view: a launched session is required, bound to the URL's ``cohort_id``.

    With ``roles``, the person must hold at least one of them in this cohort.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            cohort_id = kwargs.get("cohort_id")
            require_launch(cohort_id if isinstance(cohort_id, int) else None, roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator
