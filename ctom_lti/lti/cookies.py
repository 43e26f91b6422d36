"""Cookie attributes for a tool that lives in Canvas's iframe.

Every cookie the tool sets is third-party inside Canvas: it needs ``SameSite=None; Secure`` to be
sent at all, and ``Partitioned`` (CHIPS) to survive browsers that block unpartitioned third-party
cookies (canvas-lti.md §8). Chromium treats ``http://localhost`` and ``127.0.0.1`` as secure, so
``Secure`` is kept there; only plain HTTP on another host with ``INSECURE_TRANSPORT`` set (a
development set-up) falls back to ``SameSite=Lax`` without ``Secure``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import Flask, Request

_LOOPBACK_NAMES = frozenset({"localhost"})


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cookie_options(app: Flask, request: Request) -> dict[str, Any]:
    """Keyword arguments for ``response.set_cookie`` / ``delete_cookie``."""
    secure = (
        request.is_secure or not app.config.get("INSECURE_TRANSPORT") or _is_loopback(request.host)
    )
    if secure:
        return {"secure": True, "samesite": "None", "partitioned": True, "httponly": True}
    return {"secure": False, "samesite": "Lax", "httponly": True}
