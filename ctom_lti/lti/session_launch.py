"""The launch as features receive it: who is here, in which cohort, with which roles.

Flask-free on purpose: views get a :class:`SessionLaunch` from
:func:`ctom_lti.lti.access.launch_required`, and services take it (or the plain values in it)
as a parameter, so they can be called from CLI jobs and tests without a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ctom_lti.lti.context import DeepLinkSettings
from ctom_lti.lti.roles import primary_role
from ctom_lti.models import Role


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
    #: The LTI Advantage endpoints Canvas offered (``nrps``, ``lineitems``, ``lineitem``,
    #: ``ags_scopes``); read by ``ctom_lti.lti.services``, not by features.
    services: Mapping[str, Any] | None = None

    @property
    def primary_role(self) -> Role | None:
        return primary_role(self.roles)

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def launch_from_session_data(data: Mapping[str, Any]) -> SessionLaunch | None:
    """Read back what ``flow.launch_session_data`` stored (None if it is not a launch)."""
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
