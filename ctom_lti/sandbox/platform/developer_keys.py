"""LTI 1.3 developer keys, created from a tool's developer-key JSON as Canvas does.

canvas-lti.md §7.1: an admin pastes the JSON ("Paste JSON") or gives its URL ("Enter URL", which
Canvas fetches server-side once, when the key is saved). Redirect URIs are a separate list on the
key. Keys live in ``store.table("developer_keys")`` keyed by ``client_id`` (the key's global id as
a decimal string, canvas-lti.md §1.3) so the REST side can install tools by ``client_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from ctom_lti.sandbox.platform.developer_key_json import (
    DeveloperKeyError,
    Placement,
    parse_configuration,
)
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import now

#: Canvas shard 1's global-id offset: local id 1 → client_id "10000000000001" (canvas-lti.md §1.3).
GLOBAL_ID_OFFSET = 10_000_000_000_000


@dataclass
class DeveloperKey:
    """An LTI developer key: what Canvas knows about a tool before anyone installs it."""

    #: the key's global id; ``client_id`` is the same number as a string
    id: int
    client_id: str
    name: str
    description: str
    oidc_initiation_url: str
    target_link_uri: str
    privacy_level: str
    redirect_uris: list[str]
    scopes: list[str] = field(default_factory=list)
    public_jwk: dict[str, Any] | None = None
    public_jwk_url: str | None = None
    #: region → login URL; Canvas picks the entry for its own region (canvas-lti.md §2)
    oidc_initiation_urls: dict[str, str] = field(default_factory=dict)
    domain: str | None = None
    tool_id: str | None = None
    icon_url: str | None = None
    selection_height: int | None = None
    selection_width: int | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    placement_list: list[Placement] = field(default_factory=list)
    #: "ON" in Canvas's developer-key list; a key that is off cannot launch or get tokens
    enabled: bool = True
    workflow_state: str = "active"
    #: the configuration exactly as received (shown back in the admin UI)
    configuration: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)

    def placement(self, name: str) -> Placement | None:
        return next((p for p in self.placement_list if p.placement == name), None)

    @property
    def placements(self) -> dict[str, dict[str, Any]]:
        """Placement name → settings, the shape a ContextExternalTool (and the REST API) keeps."""
        return {p.placement: p.settings() for p in self.placement_list}

    def login_url(self, region: str) -> str:
        """The OIDC initiation URL for ``region`` (falls back to ``oidc_initiation_url``)."""
        return self.oidc_initiation_urls.get(region, self.oidc_initiation_url)

    @property
    def usable(self) -> bool:
        return self.enabled and self.workflow_state == "active"


def developer_keys(store: Store) -> dict[str, DeveloperKey]:
    """The store's developer keys by ``client_id``."""
    return store.table("developer_keys")


def find_developer_key(store: Store, client_id: str) -> DeveloperKey | None:
    return developer_keys(store).get(str(client_id))


def create_developer_key(
    store: Store, config: dict[str, Any], redirect_uris: list[str], *, enabled: bool = True
) -> DeveloperKey:
    """Validate a developer-key JSON and save it as a new key (Canvas "Paste JSON").

    ``enabled`` defaults to on because the sandbox's callers (demo, tests) deploy right away;
    a real admin flips the key ON in Canvas before installing it (canvas-lti.md §7.1).

    :raises DeveloperKeyError: with every problem found, nothing saved.
    """
    parsed = parse_configuration(config, redirect_uris)
    with store.lock:
        key_id = GLOBAL_ID_OFFSET + store.next_id("developer_keys")
        key = DeveloperKey(id=key_id, client_id=str(key_id), enabled=enabled, **parsed)
        developer_keys(store)[key.client_id] = key
        return key


def create_developer_key_from_url(
    store: Store, url: str, redirect_uris: list[str], *, enabled: bool = True, timeout: float = 5.0
) -> DeveloperKey:
    """Fetch the JSON from ``url`` server-side and create the key (Canvas "Enter URL").

    The JSON is a snapshot taken now; later changes at the URL do not reach the key.
    """
    if urlsplit(url).scheme not in {"http", "https"}:
        raise DeveloperKeyError([f"Configuration URL must be an http(s) URL, got {url!r}"])
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise DeveloperKeyError([f"Could not fetch {url}: {type(exc).__name__}"]) from exc
    if response.status_code != 200:
        raise DeveloperKeyError([f"Fetching {url} returned HTTP {response.status_code}"])
    try:
        config = response.json()
    except ValueError as exc:
        raise DeveloperKeyError([f"{url} did not return JSON"]) from exc
    if not isinstance(config, dict):
        raise DeveloperKeyError([f"{url} returned JSON that is not an object"])
    return create_developer_key(store, config, redirect_uris, enabled=enabled)
