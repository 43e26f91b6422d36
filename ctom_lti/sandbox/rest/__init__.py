"""Sandbox rest side (see the module docstrings inside)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this part of the sandbox on the sandbox Flask app."""
