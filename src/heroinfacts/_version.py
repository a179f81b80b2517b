"""The tool's version; the data carries its own (``bundle.version``)."""

from __future__ import annotations

__version__ = "1.0.0"
