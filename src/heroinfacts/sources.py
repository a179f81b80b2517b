"""Where data comes from: the shipped knowledge base and the local packs a user adds.

Packs come from ``--pack`` options, else ``HEROINFACTS_PACKS`` (a path list, ``os.pathsep``
separated; set but empty means none), else ``packs = [...]`` in the config file (the one
``HEROINFACTS_CONFIG`` names, else ``config.toml`` in the user config directory; set but empty
means no config; a relative path in it is taken from the config file's directory). The first of
those that is given wins: flag > environment > config. A config file, or a pack it names, that
cannot be used is a notice and no packs for a lookup, and an error for ``validate`` (see
:func:`configured_packs`).

What every lookup runs (:func:`shipped` in an ordinary install, :func:`configured_packs` when
there is no config file, :func:`data_files`, :meth:`DataFile.identity`) keeps to ``os``:
pathlib, platformdirs, tomllib and importlib.resources (together ~10 ms; see
docs/performance.md) are imported only off that path, to read a config file, inside a zipapp or
a source checkout, on systems other than Linux, and for ``verify``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import DataError, Problem, UsageError
from .hashing import sha256
from .records import Struct

if TYPE_CHECKING:
    from importlib.abc import Traversable

PACKS_ENV = "HEROINFACTS_PACKS"
CONFIG_ENV = "HEROINFACTS_CONFIG"
SHIPPED_NAME = "facts.yaml"
SHIPPED_BUNDLE_ID = "heroinfacts-core"
APP_NAME = "heroinfacts"


_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def user_dir(kind: str) -> str:
    """``platformdirs.user_{kind}_dir("heroinfacts")`` for ``kind`` "cache" or "config".

    On Linux, where every platformdirs version agrees (an absolute ``XDG_*_HOME``, or none and an
    absolute ``HOME``), the path is worked out here; importing platformdirs costs 5-10 ms.
    Everything else (other systems, Android, a relative XDG variable) asks platformdirs.
    """
    var, default = _XDG[kind]
    if (
        sys.platform.startswith("linux")
        and not hasattr(sys, "getandroidapilevel")
        and "ANDROID_DATA" not in os.environ
    ):
        xdg = os.environ.get(var, "")
        if os.path.isabs(xdg):
            return os.path.join(xdg, APP_NAME)
        if not xdg.strip() and os.path.isabs(os.environ.get("HOME", "")):
            return os.path.join(os.path.expanduser(default), APP_NAME)
    import platformdirs

    found: str = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)
    return found


class DataFile(Struct):
    """A data file to load: how to name it, how to read it, and a cheap identity for the cache."""

    name: str
    shipped: bool
    path: str | None  # None when the file lives inside a zip (zipapp)

    def read(self) -> bytes:
        """The file's bytes (from inside the zip for the shipped data of a zipapp)."""
        if self.path is not None:
            with open(self.path, "rb") as fh:
                return fh.read()
        return _shipped_resource().read_bytes()

    def identity(self) -> str:
        """Changes whenever the file's content may have changed (stat data, or a hash in a zip)."""
        if self.path is None:
            return "sha256:" + str(sha256(self.read()).hexdigest())
        st = os.stat(self.path)
        return f"{self.path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _shipped_resource() -> Traversable:
    from importlib.resources import files

    return files("heroinfacts") / "data" / SHIPPED_NAME


def shipped() -> DataFile:
    """The knowledge base inside the installed package (or a zipapp)."""
    installed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", SHIPPED_NAME)
    if os.path.isfile(installed):  # an ordinary install: no importlib.resources needed
        return DataFile("data/facts.yaml", True, installed)
    from pathlib import Path

    res = _shipped_resource()
    if isinstance(res, Path):
        if res.is_file():
            return DataFile("data/facts.yaml", True, str(res))
        # A source checkout run without installing: the data stays at the repository's top.
        dev = Path(__file__).resolve().parents[2] / "data" / SHIPPED_NAME
        if dev.is_file():
            return DataFile("data/facts.yaml", True, str(dev))
        raise DataError(
            [Problem(str(res), 0, "the shipped data is missing: reinstall heroinfacts")]
        )
    return DataFile("data/facts.yaml", True, None)


def data_location() -> str:
    """Where the shipped data file lives, for people (``about``)."""
    return shipped().path or "inside this zipapp"


def shipped_checksum_recorded() -> str | None:
    """The SHA-256 recorded beside the shipped data at build time, if present."""
    from importlib.resources import files
    from pathlib import Path

    res = files("heroinfacts") / "data" / (SHIPPED_NAME + ".sha256")
    try:
        text = res.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        dev = Path(__file__).resolve().parents[2] / "data" / (SHIPPED_NAME + ".sha256")
        if not dev.is_file():
            return None
        text = dev.read_text(encoding="utf-8")
    return text.split()[0] if text.split() else None


def pack_file(path: str | os.PathLike[str]) -> DataFile:
    """A local pack given by path; :class:`DataError` if it is missing or not a file."""
    p = os.path.expanduser(os.fspath(path))
    if not os.path.exists(p):
        raise DataError([Problem(str(path), 0, "no such file: check the pack's path")])
    if not os.path.isfile(p):
        raise DataError([Problem(str(path), 0, "this is a directory, not a pack file")])
    return DataFile(str(path), False, os.path.abspath(p))


#: What ``about`` shows for the config file when HEROINFACTS_CONFIG is set but empty.
NO_CONFIG = "none (HEROINFACTS_CONFIG is empty)"


def config_file() -> str | None:
    """The config file's path as given (HEROINFACTS_CONFIG, else ``config.toml`` in the user
    config directory); None when HEROINFACTS_CONFIG is set to the empty string, which is how a
    script says "no config". Without pathlib (~3 ms)."""
    env = os.environ.get(CONFIG_ENV)
    if env is None:
        return path_str(os.path.join(user_dir("config"), "config.toml"))
    return path_str(env) if env.strip() else None


def path_str(path: str) -> str:
    """``str(pathlib.Path(path))`` without importing pathlib (on POSIX systems)."""
    if os.sep != "/":
        from pathlib import Path

        return str(Path(path))
    stripped = path.lstrip("/")
    slashes = len(path) - len(stripped)
    root = "//" if slashes == 2 else "/" if slashes else ""  # POSIX keeps exactly two
    parts = [p for p in stripped.split("/") if p and p != "."]
    return root + "/".join(parts) or "."


def configured_packs(flags: Sequence[str] = (), *, strict: bool = False) -> tuple[list[str], str]:
    """Pack paths in force and where they came from (``flag``, ``environment``, ``config``).

    A config file that cannot be used (not TOML, an unknown key, a FIFO, a directory, too big,
    or named by HEROINFACTS_CONFIG and missing) is a notice on stderr and no packs, so that no
    config can hide the help lines of a lookup; with ``strict`` (``validate``, which is asked to
    check it) it raises :class:`UsageError`. Packs that cannot be loaded: see
    :func:`heroinfacts.cli.lookup.load_kb`.
    """
    if flags:
        return list(flags), "flag"
    env = os.environ.get(PACKS_ENV)
    if env is not None:
        return [p for p in env.split(os.pathsep) if p.strip()], "environment"
    try:
        return _config_packs()
    except UsageError as err:
        if strict:
            raise
        _config_notice(f"heroinfacts: note: {err}; it is not used, so its packs are not loaded.")
        return [], "none"


def _config_packs() -> tuple[list[str], str]:
    """The packs the config file names; :class:`UsageError` when it cannot be used, and when
    HEROINFACTS_CONFIG names a file that does not exist (set it empty for no config)."""
    where = config_file()
    if where is None:
        return [], "none"
    raw = _read_config(where)
    if raw is None:
        if os.environ.get(CONFIG_ENV):
            raise UsageError(
                f"{where}: the config file named by {CONFIG_ENV} does not exist "
                f"(set {CONFIG_ENV} to the empty string for no config)"
            )
        return [], "none"
    from pathlib import Path

    cfg = Path(where)
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ModuleNotFoundError:  # a zipapp built without it: a notice, never a failure
            _config_notice(
                f"heroinfacts: note: {cfg} is not read: reading config.toml needs Python 3.11 "
                "or the tomli package; give packs with --pack or HEROINFACTS_PACKS instead."
            )
            return [], "none"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{cfg}: the config file is not valid TOML ({err})") from None
    unknown = sorted(set(data) - CONFIG_KEYS)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], sorted(CONFIG_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(
            f"{cfg}: unknown key {unknown[0]!r} in the config file{hint}; "
            f"it may hold: {', '.join(sorted(CONFIG_KEYS))}"
        )
    packs = data.get("packs", [])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise UsageError(f"{cfg}: `packs` must be a list of paths")
    base = cfg.parent
    return [str(base / Path(p).expanduser()) for p in packs], "config"


#: The keys config.toml may hold.
CONFIG_KEYS = frozenset({"packs"})
#: A config file is a few lines; anything bigger is refused before it is read.
CONFIG_MAX_BYTES = 1 << 20
_NOTICED: list[str] = []


def _config_notice(text: str) -> None:
    if text not in _NOTICED:
        _NOTICED.append(text)
        from .output import message

        message(text)


def _read_config(path: str) -> bytes | None:
    """The config file's bytes; None when there is no such file. Like a pack, it must be a
    regular file of a sensible size: a FIFO, a device (/dev/zero), a directory or a huge file
    is refused without being read."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO never blocks the open
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        raise UsageError(f"{path}: the config file is a directory") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read the config file: {err.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path}: the config file is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{path}: the config file is not a regular file (a FIFO or device)")
        if st.st_size > CONFIG_MAX_BYTES:
            raise UsageError(
                f"{path}: the config file is larger than {CONFIG_MAX_BYTES // 1024} KiB"
            )
        chunks = []
        size = 0
        while size <= CONFIG_MAX_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > CONFIG_MAX_BYTES:  # it grew while being read
            raise UsageError(
                f"{path}: the config file is larger than {CONFIG_MAX_BYTES // 1024} KiB"
            )
        return b"".join(chunks)
    except OSError as err:
        raise UsageError(f"{path}: cannot read the config file: {err.strerror}") from None
    finally:
        os.close(fd)


def packs_notice(origin: str, err: DataError) -> None:
    """Say on stderr (even with --quiet) that the packs from ``origin`` (``environment`` or
    ``config``) are not loaded because of ``err``, and that answers come from the shipped data."""
    where = PACKS_ENV if origin == "environment" else (config_file() or "the config file")
    lines = [str(p) for p in err.problems[:5]]
    if len(err.problems) > 5:
        lines.append(f"... and {len(err.problems) - 5} more")
    _config_notice(
        "\n".join(
            [
                f"heroinfacts: note: the packs named by {where} cannot all be loaded, so none of "
                "them is; every answer comes from the shipped data:",
                *lines,
                "heroinfacts: fix or remove that pack (check with: heroinfacts validate).",
            ]
        )
    )


def data_files(flags: Sequence[str] = ()) -> list[DataFile]:
    """The shipped data followed by every pack in force."""
    paths, _ = configured_packs(flags)
    return [shipped(), *(pack_file(p) for p in paths)]
