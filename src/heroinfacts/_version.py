"""The tool's version; the data carries its own (``bundle.version``)."""

__version__ = "1.0.0"
