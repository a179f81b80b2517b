"""The compiled cache: where it lives, when it is stale, and how it is written safely.

The cache is one SQLite file per set of data files, named by a fingerprint of the tool version, the
cache format and the identity (stat data) of every data file loaded. A changed file changes the
name, so a stale cache is never read. A new cache is written to a temporary file and renamed into
place, so readers see a whole file or none, and several processes may build at once. When the
cache directory cannot be written, the knowledge base is built in memory instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import store
from ._version import __version__
from .errors import DataError
from .sources import DataFile

if TYPE_CHECKING:
    from .schema import Compiled

CACHE_ENV = "HEROINFACTS_CACHE_DIR"
#: How many compiled caches to keep (one per distinct set of packs in use).
KEEP = 6

Progress = Callable[[str, float], None]  # (stage, fraction done)


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("heroinfacts"))


def fingerprint(files: Sequence[DataFile]) -> str:
    h = hashlib.sha256(f"{__version__}\0{store.FORMAT}".encode())
    for f in files:
        h.update(b"\0" + f.identity().encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


def _intact(path: Path) -> bool:
    """True when the file is as long as its SQLite header says (catches truncation cheaply)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return False
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    return pages > 0 and size == pages * page


def _open_cached(path: Path, fp: str) -> store.KnowledgeBase | None:
    if not _intact(path):
        return None
    try:
        # immutable=1: the file is never changed in place (only replaced), so skip locking.
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        kb = store.KnowledgeBase(conn, cache_path=str(path))
        if kb.meta("fingerprint") != fp or kb.meta("format") != store.FORMAT:
            conn.close()
            return None
        return kb
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
        return None


def build(
    files: Sequence[DataFile], progress: Progress | None = None
) -> tuple[Compiled, dict[str, Any]]:
    """Read and check ``files``; the compiled records and meta, or :class:`DataError`."""
    from .errors import Problem
    from .schema import SourceFile, compile_sources

    sources = []
    for i, f in enumerate(files):
        if progress:
            progress(f"reading {f.name}", i / max(len(files), 1) * 0.8)
        try:
            raw = f.read()
        except OSError as err:
            raise DataError([Problem(f.name, 0, f"cannot read the file: {err.strerror}")]) from None
        sources.append(SourceFile(f.name, raw, f.shipped))
    if progress:
        progress("checking", 0.8)
    compiled, problems = compile_sources(sources)
    if problems:
        raise DataError(problems)
    shipped = next(s for s in sources if s.shipped)
    meta = {"checksum": hashlib.sha256(shipped.raw).hexdigest(), "tool_version": __version__}
    return compiled, meta


def open_kb(
    files: Sequence[DataFile], *, use_cache: bool = True, progress: Progress | None = None
) -> store.KnowledgeBase:
    """The knowledge base for ``files``: from the cache when fresh, else built (and cached)."""
    fp = fingerprint(files)
    directory = cache_dir()
    path = directory / f"kb-{fp}.sqlite"
    if use_cache:
        kb = _open_cached(path, fp)
        if kb is not None:
            return kb
    compiled, meta = build(files, progress)
    meta["fingerprint"] = fp
    if progress:
        progress("indexing", 0.9)
    if use_cache:
        kb = _write_file(directory, path, fp, compiled, meta)
        if kb is not None:
            return kb
    conn = sqlite3.connect(":memory:")
    store.write(conn, compiled, meta)
    return store.KnowledgeBase(conn)


def _write_file(
    directory: Path, path: Path, fp: str, compiled: Compiled, meta: dict[str, Any]
) -> store.KnowledgeBase | None:
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".kb-{fp}-", suffix=".tmp", dir=directory)
        os.close(fd)
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            store.write(conn, compiled, meta)
        finally:
            conn.close()
        os.replace(tmp, path)
        tmp = None
        _prune(directory, keep=path)
    except (OSError, sqlite3.OperationalError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return None
    return _open_cached(path, fp)


def _prune(directory: Path, keep: Path) -> None:
    """Remove old caches beyond the newest few, and temporary files left by a crash."""
    now = time.time()
    with contextlib.suppress(OSError):
        caches = sorted(
            directory.glob("kb-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in [c for c in caches if c != keep][KEEP - 1 :]:
            old.unlink(missing_ok=True)
        for tmp in directory.glob(".kb-*.tmp"):
            if now - tmp.stat().st_mtime > 3600:
                tmp.unlink(missing_ok=True)


def clear() -> int:
    """Delete every cache file; how many were removed."""
    n = 0
    directory = cache_dir()
    for pattern in ("kb-*.sqlite", ".kb-*.tmp", "pages/*"):
        for p in directory.glob(pattern):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
    return n
