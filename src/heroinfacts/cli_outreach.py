"""Outreach commands (handouts, verify): registered on the app by ``cli.py``."""

from __future__ import annotations

from typing import Any


def register(app: Any) -> None:
    """Add the outreach commands to ``app``."""
