"""Everything that touches LTI and pylti1p3: login, launch, key set, registrations, roles."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the LTI blueprint, the session interface and CSRF protection on ``app``."""
