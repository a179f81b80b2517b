"""The compiled cache: where it lives, when it is stale, and how it is written safely.

The cache is one SQLite file per set of data files, named by a fingerprint of the tool version, the
cache format and the identity (stat data) of every data file loaded. A changed file changes the
name, so a stale cache is never read. A new cache is written to a temporary file and renamed into
place, so readers see a whole file or none, and several processes may build at once. When the
cache directory cannot be written, the knowledge base is built in memory instead.

Speed (docs/performance.md): opening a fresh cache is the path every command takes, so it needs
only ``os`` and ``sqlite3``; PyYAML, the schema checks, ``tempfile`` and ``pathlib`` are imported
only to build. A build runs with the cyclic garbage collector paused and reports progress while
it reads the YAML (bytes read) and while SQLite writes the records and the search index.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError
from .sources import DataFile, path_str, sha256, user_dir

if TYPE_CHECKING:
    from pathlib import Path

    from . import store
    from .schema import Compiled

CACHE_ENV = "HEROINFACTS_CACHE_DIR"
#: How many compiled caches to keep (one per distinct set of packs in use).
KEEP = 6

Progress = Callable[[str, float], None]  # (stage, fraction done)

#: Share of a build's time spent reading the YAML and checking it; writing SQLite takes the rest.
#: Measured on the synthetic packs (bench/genpack.py), so the bar moves at about an even pace.
READ_SHARE = 0.32
CHECK_SHARE = 0.20
#: SQLite virtual-machine steps per byte of YAML while writing (records, names, search index).
WRITE_STEPS_PER_BYTE = 0.7
_STEP = 20_000  # call the progress handler every this many SQLite steps
#: SQLite page size of cache files (see _write_file): a 100,000-topic cache shrinks by ~40 %.
PAGE_SIZE = 8192


def __getattr__(name: str) -> Any:
    """``cache.tempfile`` still names the module (tests patch it), imported only when asked."""
    if name == "tempfile":
        import tempfile

        return tempfile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cache_location() -> str:
    """The cache directory as a string (what :func:`cache_dir` names), without pathlib."""
    env = os.environ.get(CACHE_ENV)
    return path_str(env if env else user_dir("cache"))


def cache_dir() -> Path:
    from pathlib import Path

    return Path(cache_location())


def _identities(files: Sequence[DataFile]) -> list[bytes]:
    return [b"\0" + f.identity().encode("utf-8", "surrogateescape") for f in files]


def fingerprint(files: Sequence[DataFile]) -> str:
    from . import store

    h = sha256(f"{__version__}\0{store.FORMAT}".encode())
    for ident in _identities(files):
        h.update(ident)
    return str(h.hexdigest()[:32])


def data_key(files: Sequence[DataFile]) -> str:
    """Changes whenever the tool or any data file changes (for caches of rendered output)."""
    h = sha256(__version__.encode())
    for ident in _identities(files):
        h.update(ident)
    return str(h.hexdigest()[:32])


def _intact(path: str) -> bool:
    """True when the file is as long as its SQLite header says (catches truncation cheaply)."""
    try:
        with open(path, "rb") as fh:
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


def _uri(path: str) -> str:
    """A read-only, immutable SQLite URI for ``path``."""
    if os.sep != "/":
        from pathlib import Path

        base = Path(path).absolute().as_uri()
    else:  # what Path.as_uri() gives, less the escapes SQLite does not need
        quoted = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
        base = "file://" + quoted
    # immutable=1: the file is never changed in place (only replaced), so skip locking.
    return f"{base}?mode=ro&immutable=1"


def _open_cached(path: str, fp: str) -> store.KnowledgeBase | None:
    if not _intact(path):
        return None
    import sqlite3

    from . import store

    try:
        conn = sqlite3.connect(_uri(path), uri=True)
        kb = store.KnowledgeBase(conn, cache_path=path)
        if kb.meta("fingerprint") != fp or kb.meta("format") != store.FORMAT:
            conn.close()
            return None
        return kb
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
        return None


def open_cached(files: Sequence[DataFile]) -> store.KnowledgeBase | None:
    """The knowledge base from a fresh cache file, or None (nothing is built or written)."""
    fp = fingerprint(files)
    return _open_cached(os.path.join(cache_location(), f"kb-{fp}.sqlite"), fp)


class _Stages:
    """Maps the build's parts onto one 0..1 progress bar."""

    def __init__(self, progress: Progress, sizes: Sequence[int], names: Sequence[str]) -> None:
        self.progress = progress
        self.sizes = sizes
        self.names = names
        self.total = max(sum(sizes), 1)
        self.file = 0  # the file being read
        self.before = 0  # bytes of the files read before it
        self.steps = 0
        self.error: BaseException | None = None
        progress(f"reading {names[0]}" if names else "reading", 0.0)

    def read(self, done: int, size: int) -> None:
        """``yamlio.parse`` read ``done`` of ``size`` bytes of the current file (once with
        ``done == size`` when it is through with a file)."""
        if done < size:
            i = min(self.file, len(self.names) - 1)
            frac = READ_SHARE * (self.before + done) / self.total
            self.progress(f"reading {self.names[i]}", frac)
            return
        self.before += size
        self.file += 1
        if self.file < len(self.names):
            self.progress(f"reading {self.names[self.file]}", READ_SHARE * self.before / self.total)
        else:
            self.progress("checking", READ_SHARE)

    def check(self, done: float) -> None:
        """``compile_sources`` has checked ``done`` (0..1) of the data."""
        self.progress("checking", READ_SHARE + done * CHECK_SHARE)

    def write_step(self) -> int:
        """The SQLite progress handler: advances the bar while records and the index are written.

        SQLite swallows what a handler raises and reports "interrupted" instead, so an error
        here (Ctrl-C above all) is kept, the statement stopped, and :meth:`reraise` raises it.
        """
        try:
            self.steps += _STEP
            expected = WRITE_STEPS_PER_BYTE * self.total
            share = min(self.steps / expected, 0.99)
            self.progress("writing the cache", READ_SHARE + CHECK_SHARE + share * _WRITE_SHARE)
        except BaseException as err:  # kept, and raised again by reraise()
            self.error = err
            return 1
        return 0

    def reraise(self) -> None:
        if self.error is not None:
            err, self.error = self.error, None
            raise err


_WRITE_SHARE = 1.0 - READ_SHARE - CHECK_SHARE


def build(
    files: Sequence[DataFile], progress: Progress | None = None, *, _stages: _Stages | None = None
) -> tuple[Compiled, dict[str, Any]]:
    """Read and check ``files``; the compiled records and meta, or :class:`DataError`."""
    from . import yamlio
    from .errors import Problem
    from .schema import SourceFile, compile_sources

    sources = []
    for f in files:
        try:
            raw = f.read()
        except OSError as err:
            raise DataError([Problem(f.name, 0, f"cannot read the file: {err.strerror}")]) from None
        sources.append(SourceFile(f.name, raw, f.shipped))
    if progress and _stages is None:
        _stages = _Stages(progress, [len(s.raw) for s in sources], [f.name for f in files])
    if _stages is not None:
        with yamlio.gc_paused(), yamlio.reporting(_stages.read):
            compiled, problems = compile_sources(sources, _stages.check)
    else:
        with yamlio.gc_paused():
            compiled, problems = compile_sources(sources)
    if problems:
        raise DataError(problems)
    shipped = next(s for s in sources if s.shipped)
    meta = {"checksum": sha256(shipped.raw).hexdigest(), "tool_version": __version__}
    return compiled, meta


def open_kb(
    files: Sequence[DataFile], *, use_cache: bool = True, progress: Progress | None = None
) -> store.KnowledgeBase:
    """The knowledge base for ``files``: from the cache when fresh, else built (and cached)."""
    fp = fingerprint(files)
    directory = cache_location()
    path = os.path.join(directory, f"kb-{fp}.sqlite")
    if use_cache:
        kb = _open_cached(path, fp)
        if kb is not None:
            return kb
    import sqlite3

    from . import store, yamlio

    try:
        stages = None
        if progress:
            sizes = [_size(f) for f in files]
            stages = _Stages(progress, sizes, [f.name for f in files])
        compiled, meta = build(files, progress, _stages=stages)
        meta["fingerprint"] = fp
        with yamlio.gc_paused():
            if use_cache:
                kb = _write_file(directory, path, fp, compiled, meta, stages)
                if kb is not None:
                    return kb
            conn = sqlite3.connect(":memory:")
            _watch(conn, stages)
            try:
                store.write(conn, compiled, meta)
            except sqlite3.OperationalError:
                if stages is not None:
                    stages.reraise()
                raise
            conn.set_progress_handler(None, 0)
            return store.KnowledgeBase(conn)
    finally:
        if progress:
            progress("done", 1.0)  # also takes the bar down when the data is invalid


def _size(f: DataFile) -> int:
    try:
        return os.stat(f.path).st_size if f.path is not None else 0
    except OSError:
        return 0


def _watch(conn: Any, stages: _Stages | None) -> None:
    if stages is not None:
        conn.set_progress_handler(stages.write_step, _STEP)


def _write_file(
    directory: str,
    path: str,
    fp: str,
    compiled: Compiled,
    meta: dict[str, Any],
    stages: _Stages | None = None,
) -> store.KnowledgeBase | None:
    import sqlite3
    import tempfile

    from . import store

    tmp: str | None = None
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".kb-{fp}-", suffix=".tmp", dir=directory)
        os.close(fd)
        conn = sqlite3.connect(tmp)
        try:
            # 8 KiB pages: the records table is WITHOUT ROWID, and a topic's record (~1 KiB of
            # JSON) overflows a 4 KiB page's share, which left 3/4 of its pages empty.
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            _watch(conn, stages)
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
        if stages is not None:
            stages.reraise()  # Ctrl-C while writing: stop, rather than build again in memory
        return None
    return _open_cached(path, fp)


def _prune(directory: str, keep: str) -> None:
    """Remove old caches beyond the newest few, and temporary files left by a crash."""
    import time
    from pathlib import Path

    now = time.time()
    where, kept = Path(directory), Path(keep)
    with contextlib.suppress(OSError):
        caches = sorted(where.glob("kb-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [c for c in caches if c != kept][KEEP - 1 :]:
            old.unlink(missing_ok=True)
        for tmp in where.glob(".kb-*.tmp"):
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
