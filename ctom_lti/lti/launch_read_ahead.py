"""What step 1 of launch validation reads from the id_token before the token is verified.

Launches are hot, so step 1 sends every read the launch will need in one round trip: the launch
fingerprints of the person and the course (keys taken from the token's claims) and, when the
signature already checks out against the locally cached registration and key, the state's one
use. Nothing here is trusted: ``launch`` uses these results only once their own step has
confirmed the registration, and reports a malformed token at its own step.
"""

from __future__ import annotations

from typing import Any

from ctom_lti.lti import claims
from ctom_lti.lti.context import audience_client_id
from ctom_lti.lti.jws import CompactJws, MalformedToken, parse_compact, signature_valid
from ctom_lti.lti.platform_keys import PlatformKeys
from ctom_lti.lti.provisioning import cohort_fingerprint_key, fingerprint_key
from ctom_lti.lti.tool_config import CtomRegistration, Registry

#: An id_token is a few kilobytes; anything much larger is refused before decoding.
MAX_ID_TOKEN_LENGTH = 64 * 1024


def parse_unverified(token: str) -> CompactJws | MalformedToken | None:
    """The token's header and claims, or what is wrong with it; None if it is no JWT at all."""
    if not token or len(token) > MAX_ID_TOKEN_LENGTH or token.count(".") != 2:
        return None
    try:
        return parse_compact(token)
    except MalformedToken as exc:
        return exc


def fingerprint_keys(parsed: CompactJws | MalformedToken | None) -> tuple[str, ...]:
    """The shared-cache keys of the person's and the course's launch fingerprints, if named."""
    if not isinstance(parsed, CompactJws):
        return ()
    body = parsed.payload
    iss, client_id, sub = body.get("iss"), audience_client_id(body), body.get("sub")
    context = body.get(claims.CONTEXT)
    context_id = context.get("id") if isinstance(context, dict) else None
    if not all(isinstance(v, str) and v for v in (iss, client_id, sub, context_id)):
        return ()
    return (
        fingerprint_key(str(iss), str(client_id), str(sub), str(context_id)),
        cohort_fingerprint_key(str(iss), str(client_id), str(context_id)),
    )


def signature_ahead(
    parsed: CompactJws | MalformedToken | None, registry: Registry, platform_keys: PlatformKeys
) -> tuple[CtomRegistration, Any, Any, bool] | None:
    """``(registration, kid, alg, valid)`` checked against cached registration and key, if any."""
    if not isinstance(parsed, CompactJws):
        return None
    iss, client_id = parsed.payload.get("iss"), audience_client_id(parsed.payload)
    kid, alg = parsed.header.get("kid"), parsed.header.get("alg")
    if not all(isinstance(v, str) and v for v in (iss, client_id, kid, alg)):
        return None
    registration = registry.peek(str(iss), str(client_id))
    if registration is None:
        return None
    # Cached keys only: nothing is fetched for a launch whose state is not yet confirmed.
    key = platform_keys.cached(registration.key_set_url, str(kid), str(alg))
    if key is None:
        return None
    return (registration, kid, alg, signature_valid(parsed, key, str(alg)))
