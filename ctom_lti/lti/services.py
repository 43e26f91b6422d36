"""LTI Advantage services (NRPS, AGS) for a launched session, through the wrapped connector.

Features call these with the session's :class:`~ctom_lti.lti.access.SessionLaunch`; they never
see pylti1p3 or the claims. Tokens are cached per registration and scope set, with timeouts on
every call (see ``service_connector.py`` and ``http.py``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import select

from ctom_lti.db import get_engine
from ctom_lti.lti import claims
from ctom_lti.lti.access import SessionLaunch
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.tool_config import CtomRegistration
from ctom_lti.models import Platform


class ServiceUnavailable(Exception):
    """The launch did not offer the service (scope not granted, or not a course launch)."""


def registration_for(app: Flask, platform_id: int) -> CtomRegistration | None:
    """The cached registration behind a platform row (None if it was removed)."""
    with get_engine(app).connect() as conn:
        row = conn.execute(
            select(Platform.issuer, Platform.client_id).where(Platform.id == platform_id)
        ).first()
    if row is None:
        return None
    return get_runtime(app).registry.find(row.issuer, row.client_id)


def _connector(app: Flask, launch: SessionLaunch) -> Any:
    registration = registration_for(app, launch.platform_id)
    if registration is None:
        raise ServiceUnavailable("This Canvas developer key is no longer registered.")
    runtime = get_runtime(app)
    return runtime.connector_cls(registration, runtime.http)


def nrps_for(app: Flask, launch: SessionLaunch) -> NamesRolesProvisioningService:
    """Names and Role Provisioning for the launch's course (``get_members()`` pages through)."""
    url = (launch.services or {}).get("nrps")
    if not url:
        raise ServiceUnavailable("Canvas did not offer the course roster to this launch.")
    return NamesRolesProvisioningService(
        _connector(app, launch), {"context_memberships_url": url, "service_versions": ["2.0"]}
    )


def ags_for(app: Flask, launch: SessionLaunch) -> AssignmentsGradesService:
    """Assignment and Grade Services for the launch's course."""
    services = launch.services or {}
    if not services.get("lineitems"):
        raise ServiceUnavailable("Canvas did not offer grade services to this launch.")
    endpoint: dict[str, Any] = {
        "scope": list(services.get("ags_scopes") or (claims.SCOPE_LINEITEM, claims.SCOPE_SCORE)),
        "lineitems": services["lineitems"],
    }
    if services.get("lineitem"):
        endpoint["lineitem"] = services["lineitem"]
    return AssignmentsGradesService(_connector(app, launch), endpoint)
