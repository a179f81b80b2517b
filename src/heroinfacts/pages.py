"""Rendered pages, kept like man-db's cat pages: a repeat ``show`` on a terminal prints stored
text without loading the data or importing rich.

A page's key covers the topic name, the output mode (width, colour system), the fingerprint of
every data file and the tool version, so a stored page is never stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from . import output
from ._version import __version__
from .cache import cache_dir, fingerprint
from .names import normalize
from .sources import data_files

#: Beyond this many stored pages, the oldest are removed.
KEEP = 400


def page_path(packs: Sequence[str], name: str, mode: output.Mode) -> Path:
    fp = fingerprint(data_files(packs))
    key = "\0".join(("show", normalize(name), mode.key, fp, __version__))
    return cache_dir() / "pages" / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".txt")


def show_cached(
    packs: Sequence[str], name: str, mode: output.Mode, render: Callable[[], str]
) -> None:
    """Print the stored page for ``name``, or ``render()`` it, print it and store it."""
    path = page_path(packs, name, mode)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    if text:
        output.write(text)
        return
    text = render()
    output.write(text)
    _store(path, text)


def _store(path: Path, text: str) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".page-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
        pages = list(path.parent.glob("*.txt"))
        if len(pages) > KEEP:
            pages.sort(key=lambda p: p.stat().st_mtime)
            for old in pages[: len(pages) - KEEP]:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only cache: just don't store
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
