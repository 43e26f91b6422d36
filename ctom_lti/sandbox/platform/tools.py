"""Deployments: installing a developer key in an account or course (a ContextExternalTool).

canvas-lti.md §1.3 and §7.1, canvas-rest.md §4.18: an admin installs the key by ``client_id`` in an
account (visible in every course below it, ONE deployment_id for all of them) or in a course (its
own deployment_id). ``deployment_id`` = ``"<tool id>:<40-hex opaque id of the install context>"``.
The REST API's ``POST .../external_tools`` with ``client_id=`` calls :func:`deploy` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey, find_developer_key
from ctom_lti.sandbox.store import Store


class DeploymentError(ValueError):
    """The key cannot be installed here; ``status`` is the HTTP status Canvas answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def deploy(
    store: Store,
    key: DeveloperKey | str,
    *,
    account_id: int | None = None,
    course_id: int | None = None,
) -> ExternalTool:
    """Install ``key`` (or the key with that client_id) in a course, or an account (default root).

    :raises DeploymentError: 404 for an unknown key or context, 422 when the key is off
        (canvas-rest.md §4.18: the key must be usable in the context).
    """
    if account_id is not None and course_id is not None:
        raise DeploymentError("Install in an account or in a course, not both", 400)
    dev_key = key if isinstance(key, DeveloperKey) else find_developer_key(store, key)
    if dev_key is None:
        raise DeploymentError(f"Developer key {key!r} not found", 404)
    if not dev_key.usable:
        raise DeploymentError(
            f"Developer key {dev_key.client_id} is not turned on for this account", 422
        )
    with store.lock:
        if course_id is not None:
            if course_id not in store.courses:
                raise DeploymentError(f"Course {course_id} not found", 404)
            context_type, context_id = "Course", course_id
        else:
            acct = account_id if account_id is not None else store.root_account_id
            if acct not in store.accounts:
                raise DeploymentError(f"Account {acct} not found", 404)
            context_type, context_id = "Account", acct
        tool = ExternalTool(
            id=store.next_id("external_tools"),
            context_type=context_type,
            context_id=context_id,
            name=dev_key.name,
            privacy_level=dev_key.privacy_level,
            url=dev_key.target_link_uri,
            domain=dev_key.domain or urlsplit(dev_key.target_link_uri).hostname,
            description=dev_key.description,
            custom_fields=dict(dev_key.custom_fields),
            placements=dev_key.placements,
            client_id=dev_key.client_id,
            developer_key_id=dev_key.id,
            version="1.3",
            # A ContextExternalTool's workflow_state is its privacy level while active.
            workflow_state=dev_key.privacy_level,
            icon_url=dev_key.icon_url,
        )
        store.external_tools[tool.id] = tool
        return tool


def developer_key_for(store: Store, tool: ExternalTool) -> DeveloperKey | None:
    return find_developer_key(store, tool.client_id) if tool.client_id else None


def is_active(tool: ExternalTool) -> bool:
    return tool.workflow_state not in {"deleted", "disabled"}


def tools_in_course(store: Store, course_id: int) -> list[ExternalTool]:
    """LTI 1.3 tools visible in a course: course installs first, then the account chain."""
    return [t for t in store.tools_for_course(course_id) if t.version == "1.3" and is_active(t)]


def tool_in_course(store: Store, course_id: int, tool_id: int) -> ExternalTool | None:
    return next((t for t in tools_in_course(store, course_id) if t.id == tool_id), None)


def find_tool_for_url(
    store: Store, course_id: int, url: str | None, tool_id: int | None = None
) -> ExternalTool | None:
    """The tool a module item or assignment URL launches (Canvas matches by id, then domain).

    Course installs win over account installs, as in Canvas's tool lookup.
    """
    tools = tools_in_course(store, course_id)
    if tool_id:
        chosen = next((t for t in tools if t.id == tool_id), None)
        if chosen is not None:
            return chosen
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    for tool in tools:
        tool_hosts = {tool.domain, urlsplit(tool.url or "").hostname}
        if host in tool_hosts:
            return tool
    return None


def placement_settings(tool: ExternalTool, placement: str) -> dict[str, Any] | None:
    settings = tool.placements.get(placement)
    if not settings or settings.get("enabled") is False:
        return None
    return settings


@dataclass(frozen=True)
class Viewer:
    """What course navigation visibility depends on (canvas-lti.md §7.1 ``visibility``)."""

    signed_in: bool
    #: has a current enrollment in the course (or administers its account)
    member: bool
    #: teacher, TA, designer or account admin
    admin: bool


def navigation_visible(settings: dict[str, Any], viewer: Viewer) -> bool:
    """Whether a course_navigation tab shows for ``viewer`` (a pure decision).

    ``default: disabled`` hides the tab until a teacher enables it in course settings; the
    sandbox has no such setting, so a disabled tab stays hidden.
    """
    if settings.get("default") == "disabled":
        return False
    visibility = settings.get("visibility")
    if visibility == "admins":
        return viewer.admin
    if visibility == "members":
        # Account admins can see every course, so Canvas counts them as members [inferred].
        return viewer.member or viewer.admin
    return visibility == "public" or viewer.signed_in


def tool_launch_url(base_url: str, course_id: int, tool_id: int) -> str:
    """The Canvas page that opens a tool's course navigation tab.

    Canvas's path: ``/courses/:course_id/external_tools/:tool_id``.
    """
    return f"{base_url.rstrip('/')}/courses/{course_id}/external_tools/{tool_id}"
