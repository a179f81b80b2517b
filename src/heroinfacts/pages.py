"""Rendered pages, kept like man-db's cat pages: a repeat ``show`` on a terminal prints stored
text without loading the data or importing rich.

A page's key covers the topic name, the output mode (width, colour system), the identity of
every data file and the tool version, so a stored page is never stale. Looking a page up needs
only ``os`` (no pathlib, hashlib, sqlite3 or rich): see docs/performance.md.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Sequence

from . import output
from ._version import __version__
from .cache import (
    PAGE_MAGIC,
    PAGE_NAME,
    cache_location,
    data_key,
    make_private_dir,
    own_files,
    owned,
    pages_dir,
    trusted,
)
from .names import normalize
from .sources import data_files, sha256

#: Beyond this many stored pages, the oldest are removed.
KEEP = 400


def page_path(packs: Sequence[str], name: str, mode: output.Mode) -> str | None:
    """Where the page is stored; None when the cache directory is not ours to use."""
    directory = cache_location()
    where = pages_dir(directory) if trusted(directory) else None
    if where is None:
        return None
    key = "\0".join(("show", normalize(name), mode.key, data_key(data_files(packs)), __version__))
    digest = sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return os.path.join(where, f"{digest}.txt")


#: A stored page is this line, then the page as UTF-8: ``MAGIC <bytes> <sha256 hex>\n``.
MAGIC = PAGE_MAGIC.rstrip()


def _header(body: bytes) -> bytes:
    return b"%s %d %s\n" % (MAGIC, len(body), sha256(body).hexdigest().encode("ascii"))


def lookup(packs: Sequence[str], name: str, mode: output.Mode) -> str | None:
    """The stored page for ``name`` in ``mode``, or None (also for a page that is cut short
    or damaged: its length and SHA-256 are checked)."""
    path = page_path(packs, name, mode)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            if not owned(os.fstat(fh.fileno())):
                return None
            raw = fh.read()
    except OSError:
        return None
    end = raw.find(b"\n", 0, 128)
    body = raw[end + 1 :]
    if end < 0 or not body or raw[: end + 1] != _header(body):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not terminal_safe(text):
        return None  # not a page this tool wrote: rendered again
    return text if _overrides_noticed(packs) else None


#: What a stored page may hold besides text and line breaks: SGR colour codes, nothing else.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def terminal_safe(text: str) -> bool:
    """Whether ``text`` is only what the renderer writes: printable text, line breaks and SGR
    colour codes (no other escape sequence, no control or invisible character that
    :func:`heroinfacts.render.doc.clean` would escape)."""
    from .render.doc import clean

    bare = _SGR.sub("", text).replace("\n", "")
    return clean(bare) == bare


def _overrides_noticed(packs: Sequence[str]) -> bool:
    """With packs in force, print the override notice (from the compiled cache) before a stored
    page; False when the compiled cache is not at hand (the page is then rendered afresh)."""
    files = data_files(packs)
    if len(files) == 1:
        return True
    from .cache import open_cached

    kb = open_cached(files)
    if kb is None:
        return False
    output.override_notice(kb.overrides)
    return True


def show_cached(
    packs: Sequence[str], name: str, mode: output.Mode, render: Callable[[], str]
) -> None:
    """Print the stored page for ``name``, or ``render()`` it, print it and store it."""
    text = lookup(packs, name, mode)
    if text:
        output.write(text)
        return
    text = render()
    output.write(text)
    path = page_path(packs, name, mode)
    if path is not None:
        _store(path, text)


def _store(path: str, text: str) -> None:
    """Store ``text`` at ``path`` whole or not at all: a header, a synced temporary file, then
    an atomic rename. A read-only or full cache directory just stores nothing."""
    import tempfile

    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: it could never be read back
        return
    tmp = None
    try:
        where = os.path.dirname(path)
        make_private_dir(os.path.dirname(where))
        make_private_dir(where)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".page-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_header(body) + body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
        pages = own_files(where, PAGE_NAME, magic=PAGE_MAGIC)  # only pages this tool wrote
        if len(pages) > KEEP:
            pages.sort(key=lambda p: p[1].st_mtime)
            for old, _ in pages[: len(pages) - KEEP]:
                os.unlink(old)
    except OSError:  # a read-only cache: just don't store
        pass
    finally:  # also on Ctrl-C or SIGTERM: no half-written page stays behind
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
