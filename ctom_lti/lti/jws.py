"""Compact JWS parsing and id_token claim checks, done once per launch.

PyJWT's ``decode`` re-parses the token and checks every character of it in Python, which is a
large share of a launch's CPU. Here the token is split and decoded once (strictly: only the
base64url alphabet, the way PyJWT 2.12+ insists), the signature is checked with PyJWT's own
algorithm objects, and the time and audience claims are checked by :func:`check_claims`, a pure
function with the same rules (OIDC Core §3.1.3.7, with ``leeway`` seconds of clock skew).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jwt.algorithms import Algorithm, get_default_algorithms

from ctom_lti.errors import LaunchError

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_ALGORITHMS: dict[str, Algorithm] = {
    name: algorithm
    for name, algorithm in get_default_algorithms().items()
    if name in ("RS256", "RS384", "RS512")
}


class MalformedToken(LaunchError, ValueError):
    """The token is not a compact JWS with JSON-object header and payload."""


@dataclass(frozen=True)
class CompactJws:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _decode(segment: str) -> bytes:
    if _BASE64URL.fullmatch(segment) is None or len(segment) % 4 == 1:
        raise MalformedToken("not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error as exc:
        raise MalformedToken("not base64url") from exc


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON (RFC 8259) does not have.
    raise MalformedToken(f"{name} is not JSON")


def parse_compact(token: str) -> CompactJws:
    """Split and decode ``header.payload.signature``.

    :raises MalformedToken: anything else.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedToken("not three segments")
    try:
        header = json.loads(_decode(parts[0]), parse_constant=_no_constant)
        payload = json.loads(_decode(parts[1]), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise MalformedToken("not JSON") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedToken("not JSON objects")
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    return CompactJws(header, payload, signing_input, _decode(parts[2]))


def signature_valid(jws: CompactJws, key: Any, alg: str) -> bool:
    """Whether ``jws`` is signed by ``key`` with RSASSA ``alg`` (RS256/384/512 only)."""
    algorithm = _ALGORITHMS.get(alg)
    if algorithm is None:
        return False
    return bool(algorithm.verify(jws.signing_input, key, jws.signature))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: no real time
        return None
    # 1e400 parses as infinity; a token that never expires is no token.
    return number if math.isfinite(number) else None


def check_claims(
    payload: Mapping[str, Any], *, issuer: str, audience: str, now: float, leeway: float
) -> str | None:
    """Return what is wrong with the token's ``iss``/``aud``/``azp``/``exp``/``iat``/``nbf``
    (``"issuer"``, ``"audience"``, ``"times"``, ``"expired"``, ``"future"``), or None when they
    are acceptable."""
    if payload.get("iss") != issuer:
        return "issuer"
    return _audience_problem(payload, audience) or _time_problem(payload, now, leeway)


def _audience_problem(payload: Mapping[str, Any], audience: str) -> str | None:
    aud = payload.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    azp = payload.get("azp")
    if audience not in audiences or (azp is not None and azp != audience):
        return "audience"
    return None


def _time_problem(payload: Mapping[str, Any], now: float, leeway: float) -> str | None:
    exp = _number(payload.get("exp"))
    iat = _number(payload.get("iat"))
    nbf = _number(payload["nbf"]) if "nbf" in payload else iat
    if exp is None or iat is None or nbf is None:
        return "times"
    if exp <= now - leeway:
        return "expired"
    if max(iat, nbf) > now + leeway:
        return "future"
    return None
