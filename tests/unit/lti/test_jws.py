"""Compact JWS parsing and the id_token time and audience rules."""

from __future__ import annotations

import base64

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ctom_lti.lti.jws import MalformedToken, check_claims, parse_compact, signature_valid

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NOW = 1_760_000_000
GOOD = {"iss": "https://c", "aud": "client", "iat": NOW, "exp": NOW + 3600}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_parse_and_verify() -> None:
    token = jwt.encode(GOOD, KEY, algorithm="RS256", headers={"kid": "k1"})
    jws = parse_compact(token)
    assert jws.header == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    assert jws.payload == GOOD
    assert signature_valid(jws, KEY.public_key(), "RS256")
    assert not signature_valid(jws, OTHER.public_key(), "RS256")
    assert not signature_valid(jws, KEY.public_key(), "HS256")  # only RSA algorithms
    assert not signature_valid(jws, KEY.public_key(), "none")


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        "!!!!.e30.sig",  # not base64url
        "e30=.e30.sig",  # padding is not base64url either
        b64(b"[]") + ".e30.sig",  # header must be an object
        "e30." + b64(b"not json") + ".sig",
        "e30.e30.a",  # impossible length
    ],
)
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(MalformedToken):
        parse_compact(token)


def check(**changes: object) -> str | None:
    payload = {**GOOD, **changes}
    payload = {k: v for k, v in payload.items() if v is not None}
    return check_claims(payload, issuer="https://c", audience="client", now=NOW, leeway=60)


def test_claim_rules() -> None:
    assert check() is None
    assert check(iss="https://evil") == "issuer"
    assert check(aud="other") == "audience"
    assert check(aud=["other", "client"]) is None
    assert check(aud=["other", "client"], azp="other") == "audience"
    assert check(aud=None) == "audience"
    assert check(exp=None) == "times"
    assert check(exp="soon") == "times"
    assert check(exp=True) == "times"
    assert check(exp=NOW - 61) == "expired"
    assert check(exp=NOW - 59) is None  # within the leeway
    assert check(iat=NOW + 59) is None
    assert check(iat=NOW + 61) == "future"
    assert check(nbf=NOW + 61) == "future"
    assert check(nbf="x") == "times"
