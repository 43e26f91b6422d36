"""The LTI platform's own records inside a sandbox :class:`~ctom_lti.sandbox.store.Store`.

Everything lives in the store (tests swap stores between tests), in tables named ``lti_*``:
signing keys, launches waiting for their authorize step, resource links, line items and results.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ctom_lti.sandbox.platform.keys import PlatformKeys
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

#: canvas-lti.md §2: the login's lti_message_hint (and the cached launch it points at) live 5 min.
LAUNCH_TTL_SECONDS = 300


@dataclass
class PendingLaunch:
    """An id_token prepared when the launch page was rendered, waiting for /api/lti/authorize.

    canvas-lti.md §2: Canvas generates and caches the id_token BEFORE the login request and
    deletes the cache entry on first use, so a launch can be authorized once.
    """

    verifier: str
    client_id: str
    user_id: int | None
    #: the login_hint sent with the login (the user's 40-hex opaque id)
    login_hint: str
    claims: dict[str, Any]
    include_storage_target: bool
    expires: float


@dataclass
class ResourceLink:
    """An ``Lti::ResourceLink``: what a module item, assignment or deep link launches."""

    #: the UUID sent as ``resource_link.id`` (canvas-lti.md §1.3)
    id: str
    course_id: int
    tool_id: int
    url: str | None
    title: str
    custom: dict[str, str] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)


@dataclass
class LineItem:
    """An AGS line item (canvas-lti.md §5.3); always bound to a Canvas assignment."""

    id: int
    course_id: int
    assignment_id: int
    #: the developer key that created it (list/show are scoped by it)
    client_id: str
    label: str
    score_maximum: float
    resource_id: str | None = None
    tag: str | None = None
    resource_link_id: str | None = None
    submission_type: dict[str, Any] | None = None
    #: created with its assignment (UI / deep link); AGS may not delete it
    coupled: bool = False
    start_date_time: str | None = None
    end_date_time: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)


@dataclass
class LtiResult:
    """A score a tool posted through AGS (canvas-lti.md §5.4, §5.5)."""

    id: int
    line_item_id: int
    user_id: int
    result_score: float | None
    result_maximum: float | None
    comment: str | None
    activity_progress: str
    grading_progress: str
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)


def platform_keys(store: Store) -> PlatformKeys:
    """The store's three signing keys, generated on first use."""
    meta = store.table("lti_platform")
    keys = meta.get("keys")
    if keys is None:
        with store.lock:
            keys = meta.get("keys")
            if keys is None:
                keys = meta["keys"] = PlatformKeys()
    assert isinstance(keys, PlatformKeys)
    return keys


def pending_launches(store: Store) -> dict[str, PendingLaunch]:
    return store.table("lti_pending_launches")


def remember_launch(store: Store, launch: PendingLaunch) -> None:
    with store.lock:
        table = pending_launches(store)
        # Drop expired entries as new ones arrive, so an idle sandbox keeps little.
        stale = [k for k, v in table.items() if v.expires < time.time()]
        for k in stale:
            del table[k]
        table[launch.verifier] = launch


def take_launch(store: Store, verifier: str) -> PendingLaunch | None:
    """Remove and return the cached launch (single use); None if gone or expired."""
    with store.lock:
        launch = pending_launches(store).pop(verifier, None)
    if launch is None or launch.expires < time.time():
        return None
    return launch


def new_verifier() -> str:
    return uuid.uuid4().hex


def resource_links(store: Store) -> dict[str, ResourceLink]:
    return store.table("lti_resource_links")


def line_items(store: Store) -> dict[int, LineItem]:
    return store.table("lti_line_items")


def results(store: Store) -> dict[int, LtiResult]:
    return store.table("lti_results")


def remember_id_token(store: Store, token: str, claims: dict[str, Any]) -> None:
    """Keep the last id_token per user for the debug page (claims are not secret here)."""
    user_id = claims.get("sub") or "anonymous"
    store.table("lti_last_id_token")[user_id] = {"token": token, "claims": claims, "at": now()}
    store.table("lti_last_id_token")["*"] = {"token": token, "claims": claims, "at": now()}


def last_id_token(store: Store, sub: str | None = None) -> dict[str, Any] | None:
    value: dict[str, Any] | None = store.table("lti_last_id_token").get(sub or "*")
    return value
