"""CLI for course sync (``sync COHORT_FILE``)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this package's commands to ``group``."""
