"""pylti1p3's tool configuration, backed by the ``platform`` and ``deployment`` tables.

Lookups are cached per process for a short time (launches are hot) but never answer for a
registration that has been removed: every lookup compares the cached entry with a *generation*
stamp kept in the shared store, which ``platform add|remove`` changes. A removed registration
therefore stops working at once in every worker; a new one is found on its first launch because
misses are never cached.

The issuer-to-client relation is answered by overriding ``check_iss_has_one_client`` /
``check_iss_has_many_clients`` rather than by the library's class-level dict, which other
config objects in the process could flip (pylti1p3-notes.md §2.2).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from ctom_lti.lti.keys import Keyring
from ctom_lti.lti.kv import FOREVER, KeyValueStore, Op
from ctom_lti.models import Deployment, Platform

_GENERATION_KEY = "registrations-generation"

#: Hosts of Instructure's own LTI endpoints (canvas-lti.md §1.1): ``sso.canvaslms.com`` and its
#: beta/test twins, and the older ``canvas.instructure.com`` paths that still work.
_INSTRUCTURE_ENDPOINT_SUFFIXES = (".canvaslms.com", ".instructure.com")


def instructure_hosted(endpoint_url: str) -> bool:
    """Whether ``endpoint_url`` (a registration's login endpoint) is on Instructure's hosts.

    Such a Canvas shows the tool on the school's own host (``school.instructure.com`` or a
    custom domain), which no endpoint names, so its registration must say it (``--canvas-url``).
    A self-hosted Canvas may claim the same issuer, so the endpoint decides, not the issuer.
    """
    host = (urlsplit(endpoint_url).hostname or "").lower()
    return host.endswith(_INSTRUCTURE_ENDPOINT_SUFFIXES)


log = logging.getLogger(__name__)


class CtomRegistration(Registration):  # type: ignore[misc]
    """A registration read from the database, signing with the tool's current key.

    The private key handed to pylti1p3 (deep-linking responses, service-token assertions) is a
    loaded key object, so nothing re-parses PEM per call.
    """

    def __init__(
        self,
        *,
        platform_id: int,
        issuer: str,
        client_id: str,
        auth_login_url: str,
        auth_token_url: str,
        key_set_url: str,
        auth_audience: str | None,
        deployments: Mapping[str, int],
        keyring: Keyring,
    ) -> None:
        super().__init__()
        self.platform_id = platform_id
        #: deployment_id (LTI) → deployment row id
        self.deployments = dict(deployments)
        self._keyring = keyring
        self.set_issuer(issuer)
        self.set_client_id(client_id)
        self.set_auth_login_url(auth_login_url)
        self.set_auth_token_url(auth_token_url)
        self.set_key_set_url(key_set_url)
        if auth_audience:
            self.set_auth_audience(auth_audience)

    @property
    def issuer(self) -> str:
        return str(self.get_issuer())

    @property
    def client_id(self) -> str:
        return str(self.get_client_id())

    @property
    def auth_login_url(self) -> str:
        return str(self.get_auth_login_url())

    @property
    def key_set_url(self) -> str:
        return str(self.get_key_set_url())

    def get_tool_private_key(self) -> Any:
        return self._keyring.current().private_key

    def get_kid(self) -> str:
        return self._keyring.current().kid

    def get_jwks(self) -> list[dict[str, str]]:
        return [key.public_jwk() for key in self._keyring.all_keys()]


@dataclass
class _Entry:
    registration: CtomRegistration
    generation: object
    loaded: float


#: "Not read yet" marker for :meth:`Registry.find`'s ``generation``.
_UNREAD = object()


class Registry:
    """Per-process cache of registrations, invalidated through the shared store."""

    def __init__(
        self, engine: Engine, shared: KeyValueStore, keyring: Keyring, ttl: float = 30.0
    ) -> None:
        self._engine = engine
        self._shared = shared
        self._keyring = keyring
        self._ttl = ttl
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._origins: tuple[float, tuple[str, ...]] = (0.0, ())
        self._lock = threading.Lock()

    def generation_op(self) -> Op:
        """The read of the shared generation stamp, to batch with other reads (see ``find``)."""
        return Op(self._shared, "get", _GENERATION_KEY)

    def find(
        self, issuer: str, client_id: str, *, generation: str | object | None = _UNREAD
    ) -> CtomRegistration | None:
        """The registration for ``(issuer, client_id)``, or None.

        :param generation: the generation stamp if the caller already read it (batched with its
            own reads, saving a round trip); otherwise it is read here.
        """
        if generation is _UNREAD:
            generation = self._shared.get(_GENERATION_KEY)
        entry = self._entries.get((issuer, client_id))
        now = time.monotonic()
        if entry is not None and entry.generation == generation and now - entry.loaded < self._ttl:
            return entry.registration
        registration = self._load(issuer, client_id)
        with self._lock:
            if registration is None:
                self._entries.pop((issuer, client_id), None)
            else:
                self._entries[(issuer, client_id)] = _Entry(registration, generation, now)
        return registration

    def peek(self, issuer: str, client_id: str) -> CtomRegistration | None:
        """The cached registration, if any, *without* checking the generation.

        Only for work done while the generation is being read: the caller must confirm with
        :meth:`find` (which returns this same object when it is still current).
        """
        entry = self._entries.get((issuer, client_id))
        if entry is None or time.monotonic() - entry.loaded >= self._ttl:
            return None
        return entry.registration

    def client_ids(self, issuer: str) -> list[str]:
        """Client ids registered for ``issuer`` (for logins that omit ``client_id``)."""
        with self._engine.connect() as conn:
            return list(conn.scalars(select(Platform.client_id).where(Platform.issuer == issuer)))

    def invalidate(self) -> None:
        """Tell every worker to reload registrations (after an add or remove)."""
        self._shared.put(_GENERATION_KEY, secrets.token_hex(8), FOREVER)
        with self._lock:
            self._entries.clear()
            self._origins = (0.0, ())

    def platform_origins(self) -> tuple[str, ...]:
        """Origins of every registered platform's endpoints and Canvas URL (for framing).

        Refreshed once a minute; framing permission is not an access decision, so a short delay
        after ``platform add`` is harmless.
        """
        loaded, origins = self._origins
        if time.monotonic() - loaded < 60:
            return origins
        columns = (
            Platform.issuer,
            Platform.auth_login_url,
            Platform.key_set_url,
            Platform.canvas_url,
        )
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(select(*columns)).all()
        except SQLAlchemyError:
            # Headers are added to every response, error pages included: a database outage must
            # not turn them all into failures. Keep what we had and try again in a minute.
            log.warning("Could not read platform origins for frame-ancestors", exc_info=True)
            self._origins = (time.monotonic(), origins)
            return origins
        found = {
            f"{parts.scheme}://{parts.netloc}"
            for row in rows
            for url in row[1:]
            if url
            for parts in [urlsplit(url)]
            if parts.scheme in ("http", "https") and parts.netloc
        }
        # Only hosts a registration names: its endpoints (Instructure's own launch hosts, for
        # Canvas Cloud) and its Canvas address, which Canvas Cloud registrations must give
        # (registrations.add_platform) because the school's host frames the tool. A wildcard
        # such as https://*.instructure.com would let every other school's pages frame it too.
        origins = tuple(sorted(found))
        self._origins = (time.monotonic(), origins)
        return origins

    def _load(self, issuer: str, client_id: str) -> CtomRegistration | None:
        with self._engine.connect() as conn:
            platform = conn.execute(
                select(
                    Platform.id,
                    Platform.auth_login_url,
                    Platform.auth_token_url,
                    Platform.key_set_url,
                    Platform.auth_audience,
                ).where(Platform.issuer == issuer, Platform.client_id == client_id)
            ).first()
            if platform is None:
                return None
            deployments = conn.execute(
                select(Deployment.deployment_id, Deployment.id).where(
                    Deployment.platform_id == platform.id
                )
            ).all()
        return CtomRegistration(
            platform_id=platform.id,
            issuer=issuer,
            client_id=client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=platform.auth_token_url,
            key_set_url=platform.key_set_url,
            auth_audience=platform.auth_audience,
            deployments={row.deployment_id: row.id for row in deployments},
            keyring=self._keyring,
        )


class DbToolConf(ToolConfAbstract):  # type: ignore[misc]
    """The ``ToolConfAbstract`` pylti1p3 asks for registrations and deployments."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    @property
    def registry(self) -> Registry:
        return self._registry

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Any:
        clients = self._registry.client_ids(iss)
        return self._registry.find(iss, clients[0]) if len(clients) == 1 else None

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Any:
        return self._registry.find(iss, client_id)

    def find_deployment(self, iss: str, deployment_id: str) -> Any:
        registration = self.find_registration_by_issuer(iss)
        return _deployment(registration, deployment_id)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Any:
        return _deployment(self._registry.find(iss, client_id), deployment_id)


def _deployment(registration: CtomRegistration | None, deployment_id: str) -> Any:
    if registration is None or deployment_id not in registration.deployments:
        return None
    return LtiDeployment().set_deployment_id(deployment_id)
