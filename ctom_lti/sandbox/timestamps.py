"""Timestamps in the sandbox: the current time, and how Canvas writes a time in JSON."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime | None) -> str | None:
    """Canvas timestamps: ISO-8601 UTC with ``Z`` (canvas-rest.md conventions)."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
