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
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError
from .hashing import sha256
from .ownfiles import (
    CACHE_NAME,
    CACHE_TMP,
    PAGE_MAGIC,
    PAGE_NAME,
    PAGE_TMP,
    SQLITE_MAGIC,
    own_files,
)
from .ownfiles import trusted as _ours
from .sources import DataFile, path_str, user_dir

if TYPE_CHECKING:
    from pathlib import Path

    from . import store
    from .compiler import Compiled

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
    """The cache directory as a :class:`pathlib.Path` (see :func:`cache_location`)."""
    from pathlib import Path

    return Path(cache_location())


def owned(st: os.stat_result) -> bool:
    """Whether a file or directory is ours alone (:func:`heroinfacts.ownfiles.trusted` holds
    the rule, for stored output too)."""
    return _ours(st)


#: Directories found untrusted in this run (each is reported once).
_UNTRUSTED: dict[str, str] = {}


def trusted(directory: str) -> bool:
    """Whether the cache directory ``directory`` may be read and written: it does not exist yet
    (it is then made, mode 0700), or it is a directory of ours alone (:func:`owned`). Otherwise
    the caches are ignored, the data built in memory, and a notice says so once per run."""
    if directory in _UNTRUSTED:
        return False
    try:
        st = os.stat(directory)
    except OSError:
        return True  # missing (made 0700 when written) or unreadable (nothing is read)
    import stat

    if not stat.S_ISDIR(st.st_mode) or owned(st):
        return True  # not a directory: nothing can be read from or written in it
    why = "it belongs to another user" if st.st_uid != os.getuid() else "others can write to it"
    _UNTRUSTED[directory] = why
    from .output import message

    message(
        f"heroinfacts: note: not using the cache directory {directory}: {why}. The data is "
        f"read afresh each time; point {CACHE_ENV} at a directory of your own (mode 0700)."
    )
    return False


def make_private_dir(directory: str) -> None:
    """``os.makedirs`` with mode 0700 for the directories it creates; a path too long for the
    system is an OSError (ENAMETOOLONG), never a RecursionError
    (:func:`heroinfacts.stored_output.make_dirs`)."""
    from .stored_output import make_dirs

    make_dirs(directory)


#: Directories whose path the system refuses (too long, a loop of links), reported once a run.
_UNUSABLE: set[str] = set()


def _unusable(directory: str, err: OSError) -> None:
    """Say once per run that the cache directory's path cannot be used (ENAMETOOLONG, ELOOP):
    a mistake in ``HEROINFACTS_CACHE_DIR`` to fix, unlike a read-only cache directory (used as
    it is, and built in memory when empty, without a word)."""
    import errno

    if err.errno not in (errno.ENAMETOOLONG, errno.ELOOP) or directory in _UNUSABLE:
        return
    _UNUSABLE.add(directory)
    from .output import message
    from .render.doc import short

    reason = err.strerror or str(err)
    message(
        f"heroinfacts: note: cannot use the cache directory {short(directory)}: {reason}. The "
        f"data is read afresh each time; point {CACHE_ENV} at a shorter path."
    )


def _identities(files: Sequence[DataFile]) -> list[bytes]:
    return [b"\0" + f.identity().encode("utf-8", "surrogateescape") for f in files]


def fingerprint(files: Sequence[DataFile]) -> str:
    """The cache file's key: changes with the tool's version, the store's format and any data
    file."""
    from . import store

    h = sha256(f"{__version__}\0{store.FORMAT}".encode())
    for ident in _identities(files):
        h.update(ident)
    return str(h.hexdigest()[:32])


def _intact(path: str, *, ours: bool = True) -> bool:
    """True when the file is as long as its SQLite header says (catches truncation cheaply)
    and, with ``ours``, is ours alone (:func:`owned`)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if ours and not owned(st):
                return False
            head = fh.read(100)
            size = st.st_size
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
    return _open_checked(path, {"fingerprint": fp})


def _open_checked(path: str, expect: dict[str, str]) -> store.KnowledgeBase | None:
    """The knowledge base in the SQLite file ``path`` when its format is this tool's and its
    meta holds ``expect``; None (and the file closed) otherwise."""
    import sqlite3

    from . import store

    try:
        conn = sqlite3.connect(_uri(path), uri=True)
        kb = store.KnowledgeBase(conn, cache_path=path)
        if kb.meta("format") != store.FORMAT or any(kb.meta(k) != v for k, v in expect.items()):
            conn.close()
            return None
        return kb
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
        return None


#: The knowledge base compiled from the shipped data when the wheel is built (``hatch_build.py``
#: at the top of the repository), installed beside ``facts.yaml``: a run with the shipped data
#: alone and no cache yet opens it instead of building (docs/performance.md, "First run").
PREBUILT_NAME = "facts.sqlite"


def prebuilt_path(files: Sequence[DataFile]) -> str | None:
    """Where the prebuilt knowledge base for ``files`` would be: only for the shipped data alone,
    installed as a file (not in a zipapp)."""
    if len(files) != 1 or not files[0].shipped or files[0].path is None:
        return None
    return os.path.join(os.path.dirname(files[0].path), PREBUILT_NAME)


def open_prebuilt(files: Sequence[DataFile]) -> store.KnowledgeBase | None:
    """The prebuilt knowledge base when it was compiled, by this version of the tool, from
    exactly the bytes the shipped data file holds now (its SHA-256); None otherwise, so an
    edited or damaged install is built afresh as before. It lives in the installed package,
    not in the cache directory, so it is as trusted as the code beside it."""
    path = prebuilt_path(files)
    if path is None or not _intact(path, ours=False):
        return None
    try:
        checksum = sha256(files[0].read()).hexdigest()
    except OSError:
        return None
    return _open_checked(path, {"checksum": checksum, "tool_version": __version__})


def write_prebuilt(data: str, out: str) -> None:
    """Compile the shipped data file ``data`` into the SQLite file ``out`` (the wheel's prebuilt
    knowledge base); :class:`DataError` when the data is invalid."""
    compiled, meta = build([DataFile("data/facts.yaml", True, data)])
    with contextlib.suppress(FileNotFoundError):
        os.unlink(out)
    _write_db(out, compiled, meta)


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
    from .compiler import SourceFile, compile_sources
    from .errors import Problem

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
        ours = trusted(directory)
        kb = _open_cached(path, fp) if ours else None
        if kb is not None:
            return kb
        prebuilt = open_prebuilt(files)
        if prebuilt is not None:
            # Copied into the cache, so the next run takes the usual path; read in place when
            # the cache directory cannot be used.
            if ours:
                kb = _write_file(directory, path, fp, lambda tmp: _copy_db(prebuilt, tmp, fp))
            if kb is None:
                return prebuilt
            prebuilt.conn.close()
            return kb
        use_cache = ours
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
                kb = _write_file(
                    directory, path, fp, lambda tmp: _write_db(tmp, compiled, meta, stages), stages
                )
                if kb is not None:
                    return kb
            conn = sqlite3.connect(":memory:")
            _watch(conn, stages)
            try:
                fill(conn, compiled, meta)
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
    fill: Callable[[str], None],
    stages: _Stages | None = None,
) -> store.KnowledgeBase | None:
    """Write the cache file ``path`` (``fill`` writes a new SQLite file at the path it is
    given) by way of a temporary file renamed into place; its knowledge base, or None when the
    directory cannot be written."""
    import sqlite3
    import tempfile

    tmp: str | None = None
    try:
        make_private_dir(directory)
        # The pid in the name: a run after a kill -9 knows the file is nobody's (see _prune).
        prefix = f".kb-{fp}-{os.getpid()}-"
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        os.close(fd)
        fill(tmp)
        os.replace(tmp, path)
        tmp = None
        _prune(directory, keep=path)
    except (OSError, sqlite3.DatabaseError) as err:
        if stages is not None:
            stages.reraise()  # Ctrl-C while writing: stop, rather than build again in memory
        if isinstance(err, OSError):
            _unusable(directory, err)
        return None
    finally:  # Ctrl-C or SIGTERM (SystemExit, see guard.py) anywhere: no half-written file
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return _open_cached(path, fp)


def _copy_db(prebuilt: store.KnowledgeBase, path: str, fp: str) -> None:
    """Copy the prebuilt knowledge base into a new SQLite file ``path``, recording ``fp`` as
    the fingerprint of the files it holds (what :func:`_open_cached` checks)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        prebuilt.conn.backup(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('fingerprint', ?)", (f'"{fp}"',)
        )
        conn.commit()
    finally:
        conn.close()


def fill(conn: Any, compiled: Compiled, meta: dict[str, Any]) -> None:
    """Fill an empty SQLite database with everything a knowledge base holds, each part by its
    owner: the records, names and meta (:func:`heroinfacts.store.write`), then the search index
    (:func:`heroinfacts.search.build_index`)."""
    from . import store
    from .search import build_index

    store.write(conn, compiled, meta)
    build_index(conn, compiled)
    conn.commit()


def _write_db(
    path: str, compiled: Compiled, meta: dict[str, Any], stages: _Stages | None = None
) -> None:
    """Write the records and the search index into a new SQLite file ``path``."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        # 8 KiB pages: the records table is WITHOUT ROWID, and a topic's record (~1 KiB of
        # JSON) overflows a 4 KiB page's share, which left 3/4 of its pages empty.
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        _watch(conn, stages)
        fill(conn, compiled, meta)
    finally:
        conn.close()


def pages_dir(directory: str | None = None) -> str | None:
    """The page cache directory inside ``directory`` (the cache directory), or None when it is
    not a real directory of the tool's (a symbolic link is never followed)."""
    import stat

    where = os.path.join(directory or cache_location(), "pages")
    try:
        st = os.lstat(where)
    except OSError:
        return where
    return where if stat.S_ISDIR(st.st_mode) and owned(st) else None


def _remove(files: list[tuple[str, os.stat_result]]) -> int:
    n = 0
    for path, _ in files:
        with contextlib.suppress(OSError):
            os.unlink(path)
            n += 1
    return n


def _prune(directory: str, keep: str) -> None:
    """Remove old caches beyond the newest few, and temporary files left by a crash."""
    import time

    now = time.time()
    caches = own_files(directory, CACHE_NAME, magic=SQLITE_MAGIC)
    caches.sort(key=lambda f: f[1].st_mtime, reverse=True)
    _remove([c for c in caches if c[0] != keep][KEEP - 1 :])
    _remove(
        [t for t in own_files(directory, CACHE_TMP) if now - t[1].st_mtime > 3600 or _orphan(t[0])]
    )


def _orphan(tmp: str) -> bool:
    """Whether a temporary cache file was left by a process that is gone (killed with -9)."""
    m = re.fullmatch(CACHE_TMP, os.path.basename(tmp))
    if m is None or m.group(1) is None:
        return False
    pid = int(m.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False
    return False


def clear() -> int:
    """Delete every cache file the tool wrote; how many were removed. Only names the tool
    writes, only regular files, never through a symbolic link, never a directory."""
    directory = cache_location()
    n = _remove(own_files(directory, CACHE_NAME, magic=SQLITE_MAGIC))
    n += _remove(own_files(directory, CACHE_TMP))
    pages = pages_dir(directory)
    if pages is not None:
        n += _remove(own_files(pages, PAGE_NAME, PAGE_TMP, magic=PAGE_MAGIC))
    return n


def check_cache(files: Sequence[DataFile]) -> dict[str, Any]:
    """What ``verify`` says of the compiled cache it would use for ``files``: ``ok`` unless the
    cache file is there but is not ours alone, is damaged, or was built from other data than the
    shipped file holds now (its recorded SHA-256 differs)."""
    directory = cache_location()
    fp = fingerprint(files)
    path = os.path.join(directory, f"kb-{fp}.sqlite")
    result: dict[str, Any] = {"directory": directory, "file": None, "ok": True}
    if not trusted(directory):
        result["message"] = f"the cache directory {directory} is not used: {_UNTRUSTED[directory]}"
        return result
    if not os.path.lexists(path):
        prebuilt = prebuilt_path(files)
        if prebuilt is not None and os.path.exists(prebuilt):
            result["file"] = prebuilt
            if open_prebuilt(files) is None:
                result["ok"] = False
                result["message"] = (
                    f"the knowledge base compiled with the package, {prebuilt}, does not match "
                    "the shipped data: it is not used; reinstall heroinfacts"
                )
            else:
                result["message"] = (
                    f"the knowledge base compiled with the package, {prebuilt}, matches the data"
                )
            return result
        result["message"] = f"no compiled cache yet in {directory}; the next command builds one"
        return result
    result["file"] = path
    kb = _open_cached(path, fp)
    if kb is None:
        result["ok"] = False
        result["message"] = (
            f"the compiled cache {path} is damaged or not yours alone: it is not used; "
            "remove it (heroinfacts builds a new one)"
        )
        return result
    shipped = next(f for f in files if f.shipped)
    actual = sha256(shipped.read()).hexdigest()
    if kb.meta("checksum") != actual:
        result["ok"] = False
        result["message"] = (
            f"the compiled cache {path} was built from other data than {shipped.name} holds "
            "now: remove it (heroinfacts builds a new one)"
        )
        return result
    result["message"] = f"the compiled cache {path} matches the data"
    return result
