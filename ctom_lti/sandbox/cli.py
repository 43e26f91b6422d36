"""CLI for the local Canvas sandbox (``sandbox serve``)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""
