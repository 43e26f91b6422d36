"""The LTI layer's long-lived collaborators for one app, built once by ``init_app``.

Everything here is created lazily-connected (no network or database I/O at start-up), so the
app can be built before forking workers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from ctom_lti.db import get_engine
from ctom_lti.lti.database_store import DatabaseStore
from ctom_lti.lti.http import TimeoutSession, make_http_session
from ctom_lti.lti.keys import Keyring, get_keyring
from ctom_lti.lti.kv import KeyValueStore, RedisStore
from ctom_lti.lti.models import CacheRecord, LaunchStateRecord, ServiceTokenRecord, SessionRecord
from ctom_lti.lti.platform_keys import PlatformKeys
from ctom_lti.lti.redis_commands import RedisCommands
from ctom_lti.lti.service_connector import CtomServiceConnector
from ctom_lti.lti.state_store import LaunchStateStore
from ctom_lti.lti.tool_config import DbToolConf, Registry

_EXTENSION = "ctom.lti"


@dataclass(frozen=True)
class LtiRuntime:
    """Stores, caches and clients the LTI layer shares across requests in one process."""

    states: LaunchStateStore
    sessions: KeyValueStore
    cache: KeyValueStore
    tokens: KeyValueStore
    registry: Registry
    tool_conf: DbToolConf
    platform_keys: PlatformKeys
    keyring: Keyring
    http: TimeoutSession
    connector_cls: type[CtomServiceConnector]
    backend: str


def build_runtime(app: Flask) -> LtiRuntime:
    """Create the runtime for ``app`` from its configuration."""
    cfg = app.config
    redis_url = cfg.get("REDIS_URL")
    stores: dict[str, KeyValueStore]
    if redis_url:
        commands = RedisCommands(
            redis_url, timeout=float(cfg["REDIS_TIMEOUT"]), health_check_interval=30
        )
        stores = {
            name: RedisStore(commands, name) for name in ("state", "session", "cache", "token")
        }
        backend = "redis"
    else:
        engine = get_engine(app)
        stores = {
            "state": DatabaseStore(engine, LaunchStateRecord.__table__),  # type: ignore[arg-type]
            "session": DatabaseStore(engine, SessionRecord.__table__),  # type: ignore[arg-type]
            "cache": DatabaseStore(engine, CacheRecord.__table__),  # type: ignore[arg-type]
            "token": DatabaseStore(engine, ServiceTokenRecord.__table__),  # type: ignore[arg-type]
        }
        backend = "database"
    keyring = get_keyring(app)
    http = make_http_session(
        cfg["LTI_HTTP_CONNECT_TIMEOUT"], cfg["LTI_HTTP_READ_TIMEOUT"], cfg["LTI_HTTP_DEADLINE"]
    )
    registry = Registry(
        get_engine(app), stores["cache"], keyring, cfg["LTI_REGISTRY_CACHE_SECONDS"]
    )
    # A connector class per app, so two apps in one process never share a token store.
    connector_cls = type(
        "BoundServiceConnector", (CtomServiceConnector,), {"token_store": stores["token"]}
    )
    return LtiRuntime(
        states=LaunchStateStore(stores["state"], str(cfg["SECRET_KEY"]), cfg["LTI_STATE_TTL"]),
        sessions=stores["session"],
        cache=stores["cache"],
        tokens=stores["token"],
        registry=registry,
        tool_conf=DbToolConf(registry),
        platform_keys=PlatformKeys(http, stores["cache"], cfg["LTI_JWKS_CACHE_SECONDS"]),
        keyring=keyring,
        http=http,
        connector_cls=connector_cls,
        backend=backend,
    )


def install(app: Flask) -> LtiRuntime:
    runtime = build_runtime(app)
    app.extensions[_EXTENSION] = runtime
    return runtime


def get_runtime(app: Flask | None = None) -> LtiRuntime:
    """The runtime of ``app`` (default: the current app)."""
    runtime: LtiRuntime = (app or current_app).extensions[_EXTENSION]
    return runtime
