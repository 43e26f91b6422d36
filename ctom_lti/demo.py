"""``ctom-lti demo``: the tool plus the local Canvas sandbox, seeded and ready to click through."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the ``demo`` command to ``group``."""
