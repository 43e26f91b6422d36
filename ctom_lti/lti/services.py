"""LTI Advantage clients for a registration, with the tool's client-credentials token.

Features ask for a :class:`~ctom_lti.lti.advantage.Roster` or a
:class:`~ctom_lti.lti.advantage.Gradebook` — for a launched session (:func:`launch_roster`,
:func:`launch_gradebook`) or, from a CLI job, for a registration and a service URL recorded
earlier (:func:`roster_client`, :func:`gradebook_client`) — and never see pylti1p3 or the
claims. Tokens are cached per registration and scope set, with timeouts on every call (see
``service_connector.py`` and ``http.py``). ``nrps_for`` / ``ags_for`` hand out the library's
service objects and are for this package only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import select

from ctom_lti.db import get_engine
from ctom_lti.lti import claims
from ctom_lti.lti.advantage import Gradebook, Roster, ServiceUnavailable
from ctom_lti.lti.gradebook import GRADEBOOK_SCOPES, AgsGradebook
from ctom_lti.lti.roster import NrpsRoster
from ctom_lti.lti.runtime import get_runtime
from ctom_lti.lti.session_launch import SessionLaunch
from ctom_lti.lti.tool_config import CtomRegistration
from ctom_lti.models import Platform

__all__ = [
    "ServiceUnavailable",
    "gradebook_client",
    "launch_gradebook",
    "launch_roster",
    "registration_for",
    "roster_client",
]


def registration_for(app: Flask, platform_id: int) -> CtomRegistration | None:
    """The cached registration behind a platform row (None if it was removed)."""
    with get_engine(app).connect() as conn:
        row = conn.execute(
            select(Platform.issuer, Platform.client_id).where(Platform.id == platform_id)
        ).first()
    if row is None:
        return None
    return get_runtime(app).registry.find(row.issuer, row.client_id)


def _connector_for(app: Flask, platform_id: int) -> Any:
    registration = registration_for(app, platform_id)
    if registration is None:
        raise ServiceUnavailable("This Canvas developer key is no longer registered.")
    runtime = get_runtime(app)
    return runtime.connector_cls(registration, runtime.http)


def _connector(app: Flask, launch: SessionLaunch) -> Any:
    return _connector_for(app, launch.platform_id)


def roster_client(app: Flask, *, platform_id: int, memberships_url: str) -> Roster:
    """The roster of the course whose NRPS URL (``context_memberships_url``) is given, read with
    the token of registration ``platform_id``.

    :raises ServiceUnavailable: the registration was removed.
    """
    return NrpsRoster(_connector_for(app, platform_id), memberships_url)


def gradebook_client(
    app: Flask,
    *,
    platform_id: int,
    lineitems_url: str,
    scopes: Iterable[str] = GRADEBOOK_SCOPES,
) -> Gradebook:
    """The tool's columns in the course whose AGS ``lineitems`` URL is given.

    :raises ServiceUnavailable: the registration was removed.
    """
    return AgsGradebook(_connector_for(app, platform_id), lineitems_url, scopes)


def launch_roster(app: Flask, launch: SessionLaunch) -> Roster:
    """The roster of the launch's course.

    :raises ServiceUnavailable: the launch was not offered NRPS, or the key was removed.
    """
    url = (launch.services or {}).get("nrps")
    if not url:
        raise ServiceUnavailable("Canvas did not offer the course roster to this launch.")
    return roster_client(app, platform_id=launch.platform_id, memberships_url=url)


def launch_gradebook(app: Flask, launch: SessionLaunch) -> Gradebook:
    """The tool's columns in the launch's course, with the AGS scopes Canvas granted.

    :raises ServiceUnavailable: the launch was not offered AGS, or the key was removed.
    """
    services = launch.services or {}
    if not services.get("lineitems"):
        raise ServiceUnavailable("Canvas did not offer grade services to this launch.")
    return gradebook_client(
        app,
        platform_id=launch.platform_id,
        lineitems_url=services["lineitems"],
        scopes=services.get("ags_scopes") or GRADEBOOK_SCOPES,
    )


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
