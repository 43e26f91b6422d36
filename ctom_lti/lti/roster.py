"""The roster client: a course's members through Names and Role Provisioning (NRPS 2.0).

It pages through every ``Link: rel="next"`` page (canvas-lti.md §5.2: 50 per page at most) with
the tool's client-credentials token, and returns :class:`~ctom_lti.lti.advantage.Member` values;
the pylti1p3 service stays inside this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from ctom_lti.lti.advantage import Member
from ctom_lti.lti.roles import RoleInput, decide_roles
from ctom_lti.lti.service_errors import translated


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def member_from_json(raw: Mapping[str, Any]) -> Member | None:
    """One NRPS member entry as a :class:`Member` (None when it names nobody)."""
    sub = _text(raw.get("user_id"))
    if sub is None:
        return None
    roles = raw.get("roles")
    lti_roles = tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else ()
    return Member(
        sub=sub,
        roles=decide_roles(RoleInput(lti_roles=lti_roles)).roles,
        lti_roles=lti_roles,
        status=_text(raw.get("status")) or "Active",
        name=_text(raw.get("name")),
        given_name=_text(raw.get("given_name")),
        family_name=_text(raw.get("family_name")),
        email=_text(raw.get("email")),
        sis_user_id=_text(raw.get("lis_person_sourcedid")),
    )


class NrpsRoster:
    """:class:`~ctom_lti.lti.advantage.Roster` backed by a platform's NRPS endpoint."""

    def __init__(self, connector: ServiceConnector, memberships_url: str) -> None:
        self._service = NamesRolesProvisioningService(
            connector, {"context_memberships_url": memberships_url}
        )

    def members(self) -> tuple[Member, ...]:
        with translated("read the course roster"):
            raw_members = self._service.get_members()
        found: dict[str, Member] = {}
        for raw in raw_members:
            member = member_from_json(raw) if isinstance(raw, Mapping) else None
            # Canvas lists each user once; a page boundary moving under a concurrent change
            # could repeat one, and the later entry is the fresher.
            if member is not None:
                found[member.sub] = member
        return tuple(found.values())
