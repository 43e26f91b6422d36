"""CLI for registrations and keys (``platform add|list|remove``, ``keys rotate``)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""
