"""LTI Advantage access tokens, cached in the shared store per registration and scope set.

pylti1p3next's Flask connector keys its per-process token cache by issuer and scopes only, so one
Canvas tenant's token is reused for another tenant with the same issuer, and a token the platform
rejects is kept (pylti1p3-notes.md §1, §2.3). This connector keys tokens by
``(issuer, client_id, token URL, sorted scopes)``, forgets them a minute before they expire, and
on a 401 evicts the token and retries the request once with a fresh one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector

from ctom_lti.lti.kv import KeyValueStore

#: Seconds before ``expires_in`` at which a cached token is no longer used.
EXPIRY_MARGIN = 60


def token_cache_key(
    issuer: str | None, client_id: str | None, token_url: str | None, scopes: Sequence[str]
) -> str:
    """The cache key for an access token: everything that makes a token valid or not."""
    material = "\n".join([issuer or "", client_id or "", token_url or "", *sorted(set(scopes))])
    return "tok:" + hashlib.sha256(material.encode()).hexdigest()


class CtomServiceConnector(ServiceConnector):  # type: ignore[misc]
    """pylti1p3's service connector with a correctly keyed, shared token cache."""

    #: Set by ``ctom_lti.lti.init_app``: where tokens are kept (Redis or the database).
    token_store: KeyValueStore | None = None

    def _scope_key(self, scopes: Sequence[str]) -> str:
        reg = self._registration
        return token_cache_key(
            reg.get_issuer(), reg.get_client_id(), reg.get_auth_token_url(), scopes
        )

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        store = type(self).token_store
        return store.get(scope_key) if store is not None else None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        store = type(self).token_store
        lifetime = int(expires_in or 0) - EXPIRY_MARGIN
        if store is not None and lifetime > 0:
            store.put(scope_key, access_token, lifetime)

    def _evict(self, scopes: Sequence[str]) -> None:
        store = type(self).token_store
        if store is not None:
            store.delete(self._scope_key(sorted(scopes)))

    def make_service_request(self, scopes: Sequence[str], url: str, **kwargs: Any) -> Any:
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as exc:
            response = getattr(exc, "response", None)
            if response is None or response.status_code != 401:
                raise
        # The platform no longer accepts the cached token (revoked, key rotated, clock skew):
        # forget it and try exactly once more with a new one.
        self._evict(scopes)
        return super().make_service_request(scopes, url, **kwargs)
