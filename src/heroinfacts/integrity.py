"""Is the shipped data the data that was built? Its SHA-256 against the one recorded beside it."""

from __future__ import annotations

from typing import Any


def verify_shipped() -> dict[str, Any]:
    """Compare the shipped data's SHA-256 with the one recorded beside it when it was built:
    ``{"ok", "file", "expected", "actual", "message"}``."""
    import hashlib
    from importlib.resources import files

    from .sources import SHIPPED_NAME, shipped, shipped_checksum_recorded

    data = shipped()
    location = (
        str(data.path)
        if data.path is not None
        else str(files("heroinfacts") / "data" / SHIPPED_NAME)
    )
    actual = hashlib.sha256(data.read()).hexdigest()
    expected = shipped_checksum_recorded()
    if expected is None:
        ok, message = (
            False,
            (
                f"no recorded checksum was found beside {location} "
                f"({SHIPPED_NAME}.sha256), so this copy cannot be checked. "
                "Get a fresh copy from a source you trust."
            ),
        )
    elif expected.lower() != actual:
        ok, message = (
            False,
            (
                f"{location} does not match its recorded checksum: it was changed or damaged "
                "after it was built. Do not rely on this copy; get a fresh one from a source "
                "you trust."
            ),
        )
    else:
        ok, message = True, f"{location} matches its recorded checksum."
    return {
        "ok": ok,
        "file": location,
        "expected": f"sha256:{expected}" if expected else None,
        "actual": f"sha256:{actual}",
        "message": message,
    }
