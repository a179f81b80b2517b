"""Stored output, kept like man-db's cat pages: a repeat of a lookup prints what was printed
before, without importing the rest of heroinfacts.

What a lookup prints is a function of the command line, the output mode (a terminal or not, its
width and colours, the encoding, the environment), the data files and the code (its version, and
the stat data of the installed package, or of its modules in a source checkout). So the
first time a lookup runs (``show``, ``topics``, ``symptoms``, ``define``, ``mix``, ``help-now``,
``refs``, ``about``, ``ask``, ``search``, ``--version``, the welcome screen, ``--help``), its
stdout, stderr and exit code are stored under a key made of all of those, with the identity (stat
data) of every data file it read. :func:`replay` runs before the package's import chain: it
needs only ``os``, ``sys`` and a SHA-256, reads the stored output, checks it is whole, trusted
and not stale, writes it and ends the process (``os._exit``: nothing is left to flush).

A stored output is trusted only when :func:`trusted` says so (owned by this user, writable by
no one else); that one function holds the rule.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

#: Beyond this many stored outputs, the oldest are removed.
KEEP = 400
#: Each file: this, the body's length and SHA-256 on the first line, then the body.
MAGIC = b"heroinfacts-out-2"
#: The environment that can change what a command prints on a terminal, or which data it reads.
ENVIRONMENT = (
    "HEROINFACTS_PACKS",
    "HEROINFACTS_CONFIG",
    "HEROINFACTS_PAGER",
    "PAGER",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "HOME",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "COLUMNS",
    "LINES",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
)

#: The command line of this process, set by the console entry point; None (in tests that call
#: the app in process) stores nothing.
argv: list[str] | None = None


def _sha256(data: bytes) -> bytes:
    """The SHA-256 of ``data`` in hex, as bytes."""
    from .hashing import sha256

    digest: bytes = sha256(data).hexdigest().encode("ascii")
    return digest


def directory() -> str | None:
    """Where stored outputs live (``pages`` in the cache directory), or None where that takes
    more than ``os`` to work out (then nothing is stored)."""
    env = os.environ.get("HEROINFACTS_CACHE_DIR")
    if env:
        base = os.path.abspath(env)
    elif sys.platform.startswith("linux") and "ANDROID_DATA" not in os.environ:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):
            base = os.path.join(xdg, "heroinfacts")
        elif not xdg.strip() and os.path.isabs(os.environ.get("HOME", "")):
            base = os.path.join(os.path.expanduser("~/.cache"), "heroinfacts")
        else:
            return None
    else:
        return None
    where = os.path.join(base, "pages")
    for path, follow in ((base, True), (where, False)):  # the cache directory, then pages/
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except OSError:
            continue  # not made yet: made 0700 when something is stored
        if st.st_mode & 0o170000 != 0o040000 or not trusted(st):  # a real directory of ours
            return None
    return where


def trusted(st: os.stat_result) -> bool:
    """A stored output is printed only if this user owns it and no one else may write it."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owners to check (Windows)
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022


def identity(path: str) -> str:
    """Changes whenever the file may have changed ("-" for no file)."""
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def _code() -> str:
    """Changes when the code may have: the package directory's stat data (a reinstall replaces
    its files), and in a source checkout the newest mtime of its modules (edited in place)."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        stamp = [os.stat(here).st_mtime_ns]
        if "site-packages" not in here and "dist-packages" not in here:
            for where in (here, *(e.path for e in os.scandir(here) if e.is_dir())):
                stamp += [e.stat().st_mtime_ns for e in os.scandir(where) if e.name.endswith(".py")]
    except OSError:
        return "-"
    return str(max(stamp))


def _key(args: Sequence[str]) -> bytes:
    from ._version import __version__

    try:
        columns = os.get_terminal_size(1).columns if os.isatty(1) else 0
    except OSError:
        columns = 0
    stream = sys.stdout
    parts = [
        __version__,
        _code(),
        os.getcwd(),
        f"{os.isatty(1)}:{columns}:{getattr(stream, 'encoding', None)}",
        *(f"{k}={os.environ.get(k)}" for k in ENVIRONMENT),
        "",
        *args,
    ]
    return "\0".join(parts).encode("utf-8", "surrogateescape")


def path_for(args: Sequence[str]) -> str | None:
    """The file of the stored output for this command line, in this environment."""
    where = directory()
    if where is None or "-" in args:  # "-": the input comes from stdin, not the command line
        return None
    try:
        key = _key(args)
    except (OSError, ValueError):  # a removed working directory ...
        return None
    return os.path.join(where, _sha256(key)[:32].decode("ascii") + ".txt")


def _header(body: bytes) -> bytes:
    return b"%s %d %s\n" % (MAGIC, len(body), _sha256(body))


def read(path: str) -> tuple[int, bytes, bytes] | None:
    """(exit code, stdout, stderr) stored at ``path`` if it is whole, trusted and its data files
    are unchanged; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not trusted(os.fstat(fd)):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    end = raw.find(b"\n", 0, 128)
    body = raw[end + 1 :]
    if end < 0 or raw[: end + 1] != _header(body):
        return None
    try:
        head, rest = body.split(b"\n\n", 1)
        code, sizes, *deps = head.decode("utf-8", "surrogateescape").split("\n")
        n_out, n_err = (int(n) for n in sizes.split())
    except ValueError:
        return None
    for dep in deps:
        name, _, ident = dep.partition("\0")
        if identity(name) != ident:
            return None
    if len(rest) != n_out + n_err or not terminal_safe(rest):
        return None
    return int(code), rest[:n_out], rest[n_out:]


#: Bytes the renderer never writes raw: C0 controls but tab and line feed (ESC is checked
#: apart), DEL; and in UTF-8, C1 controls, bidi and invisible formatting characters (those
#: heroinfacts.render.doc.clean escapes).
_CONTROL = bytes(set(range(32)) - {9, 10, 27}) + b"\x7f"
_INVISIBLE = [
    *(b"\xc2" + bytes([c]) for c in range(0x80, 0xA0)),
    *(chr(c).encode() for c in (0x34F, 0x61C, 0xFEFF)),
    *(chr(c).encode() for c in range(0x200B, 0x2010)),
    *(chr(c).encode() for c in range(0x2028, 0x202F)),
    *(chr(c).encode() for c in range(0x2060, 0x2065)),
    *(chr(c).encode() for c in range(0x2066, 0x2070)),
    b"\xf3\xa0\x80",  # tag characters U+E0000-U+E007F
    b"\xf3\xa0\x81",
]


def terminal_safe(data: bytes) -> bool:
    """Whether ``data`` holds only what heroinfacts prints: text, tabs, line breaks and SGR
    colour codes (``ESC [ digits ; m``); anything else means the file was not written by it."""
    if len(data.translate(None, _CONTROL)) != len(data):
        return False
    if any(mark in data for mark in _INVISIBLE):
        return False
    for part in data.split(b"\x1b")[1:]:
        end = part.find(b"m")
        if not part.startswith(b"[") or end < 0 or part[1:end].strip(b"0123456789;"):
            return False
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def replay(args: Sequence[str]) -> None:
    """Print the stored output for ``args`` and end the process; return if there is none."""
    try:
        os.fstat(1), os.fstat(2)
    except OSError:  # a closed stream: the full program says what it does about it
        return
    path = path_for(args)
    stored = read(path) if path else None
    if stored is None:
        return
    code, out, err = stored
    from .pager import page

    try:
        if not page(out):
            _write_all(1, out)
        _write_all(2, err)
    except OSError as failed:  # as the full program does: exit 1, saying why unless EPIPE
        if failed.errno != 32:  # errno.EPIPE, without importing errno
            reason = failed.strerror or str(failed)
            try:  # noqa: SIM105 (contextlib would cost the read path ~1 ms)
                _write_all(2, f"heroinfacts: cannot write the output: {reason}.\n".encode())
            except OSError:
                pass
        os._exit(1)
    os._exit(code)


def record(run: Callable[[], int], files: Callable[[], list[str] | None]) -> int:
    """Run ``run`` (a lookup), store what it printed under this process's command
    line, with ``files()``: the data files its output depends on (None: do not store)."""
    from . import output

    if argv is None:
        return run()
    printed: list[tuple[int, str]] = []
    output.recording = printed
    try:
        code = run()
    finally:
        output.recording = None
    if code in (0, 1):
        path, deps = path_for(argv), files()
        if path is not None and deps is not None:
            _store(path, int(code), printed, deps)
    return code


class _Tee:
    """A text stream that also keeps what is written to it."""

    def __init__(self, stream: Any, printed: list[tuple[int, str]]) -> None:
        self._stream, self._printed = stream, printed

    def write(self, text: str) -> int:
        n: int = self._stream.write(text)
        self._printed.append((1, text))
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def record_help(run: Callable[[], object]) -> None:
    """Run the Typer app for ``--help`` and store the help it printed (it ends with SystemExit)."""
    if argv is None:
        run()
        return
    printed: list[tuple[int, str]] = []
    real = sys.stdout
    sys.stdout = _Tee(real, printed)
    try:
        run()
    except SystemExit as done:
        sys.stdout = real
        path = path_for(argv)
        if done.code in (0, None) and path is not None and printed:
            _store(path, 0, printed, [])
        raise
    finally:
        sys.stdout = real


def _store(path: str, code: int, printed: list[tuple[int, str]], deps: list[str]) -> None:
    """Store whole or not at all: a temporary file, then an atomic rename (a file cut short by
    a crash fails the length and SHA-256 check, and is a miss). A read-only or full cache
    directory just stores nothing."""
    import contextlib

    try:
        out = "".join(t for fd, t in printed if fd == 1).encode(_encoding(sys.stdout), "replace")
        err = "".join(t for fd, t in printed if fd == 2).encode(_encoding(sys.stderr), "replace")
        names = [os.path.abspath(d) for d in deps]
        head = [str(code), f"{len(out)} {len(err)}", *(f"{d}\0{identity(d)}" for d in names)]
        if any("\n" in d for d in names):
            return
        body = "\n".join(head).encode("utf-8", "surrogateescape") + b"\n\n" + out + err
    except (UnicodeEncodeError, LookupError):
        return
    where = os.path.dirname(path)
    # A name of our own beside the target (not tempfile: with random and shutil it costs ~4 ms),
    # created exclusively and readable only by this user.
    tmp = os.path.join(where, f".page-{os.getpid()}_{id(body):x}.tmp")  # as cache.PAGE_TMP
    try:
        for made in (os.path.dirname(where), where):  # the cache directory too: 0700
            os.makedirs(made, mode=0o700, exist_ok=True)
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        try:
            _write_all(fd, _header(body) + body)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _prune(where)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _encoding(stream: object) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


def _prune(where: str) -> None:
    """Beyond KEEP stored outputs, remove the oldest: only files this tool wrote."""
    from .cache import PAGE_MAGIC, PAGE_NAME, own_files

    stored = own_files(where, PAGE_NAME, magic=PAGE_MAGIC)
    if len(stored) > KEEP:
        stored.sort(key=lambda f: f[1].st_mtime)
        for old, _ in stored[: len(stored) - KEEP]:
            os.unlink(old)
