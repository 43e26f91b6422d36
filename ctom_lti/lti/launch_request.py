"""The request, session and cookie objects pylti1p3's ``MessageLaunch`` requires.

Launch validation (``launch``) takes the POST's parameters as a mapping and keeps launch state
in the shared store, so these stand in for Flask's request, session and cookies.
"""

from __future__ import annotations

from collections.abc import Mapping

from pylti1p3.cookie import CookieService
from pylti1p3.session import SessionService


class NoSession(SessionService):  # type: ignore[misc]
    """pylti1p3 insists on a session service; launch state lives in our store instead."""

    def __init__(self) -> None:  # no Flask session involvement at all
        pass


class NoCookies(CookieService):  # type: ignore[misc]
    def get_cookie(self, name: str) -> None:
        return None

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        return None


class ParamsRequest:
    """The request object pylti1p3 keeps a reference to; parameters come from a mapping."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self._params = params

    def get_param(self, key: str) -> str | None:
        return self._params.get(key)

    def is_secure(self) -> bool:
        return True
