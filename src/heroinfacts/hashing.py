"""SHA-256 without ``hashlib`` where CPython has its own module: the same digest, while
``import hashlib`` loads OpenSSL, 2-4 ms at every start. Imports nothing of the package, so the
first module a run loads (``heroinfacts.stored_output``, which replays stored output) can use it."""

from __future__ import annotations

TYPE_CHECKING = False  # no `import typing` on the way to a replayed output
if TYPE_CHECKING:
    from typing import Any

#: The constructor found by the first call (a failed import searches the path every time).
_SHA256: list[Any] = []


def sha256(data: bytes = b"") -> Any:
    """``hashlib.sha256(data)``, from CPython's own SHA-2 module when there is one."""
    if not _SHA256:
        for name in ("_sha2", "_sha256"):  # Python 3.12+, then 3.10-3.11
            try:
                _SHA256.append(__import__(name).sha256)
                break
            except (ImportError, AttributeError):
                continue
        else:
            import hashlib

            _SHA256.append(hashlib.sha256)
    return _SHA256[0](data)
