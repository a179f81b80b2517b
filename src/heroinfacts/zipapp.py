"""Build ``heroinfacts.pyz``: one file that runs with ``python3 heroinfacts.pyz`` anywhere.

Usage::

    python -m heroinfacts.zipapp -o heroinfacts.pyz

The archive is a standard zipapp (PEP 441) holding the heroinfacts package, its shipped data and
checksum, and the pure-Python parts of every dependency, copied from the environment this runs in
(so building needs no network). Compiled extension modules are left out: PyYAML then uses its
pure-Python loader, which heroinfacts falls back to. The result needs only Python 3.10 or newer;
no pip, no installation and no network.

The build refuses to pack data that does not match its recorded checksum
(``data/facts.yaml.sha256``), so ``heroinfacts verify`` passes on every archive it makes.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import os
import re
import shutil
import sys
import tempfile
import zipapp
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

#: Distributions heroinfacts needs at run time (pyproject's ``dependencies``; a test keeps the
#: two in step). Their own requirements are followed from their metadata.
REQUIRED = ("typer", "rich", "PyYAML", "platformdirs", "segno")
#: Packed when installed here: tomli reads config.toml on Python 3.10 (3.11+ has tomllib).
OPTIONAL = ("tomli",)
#: Never packed: compiled code cannot be imported from a zip, and caches are rebuilt.
SKIP_SUFFIXES = (".so", ".pyd", ".dll", ".dylib", ".pyc", ".pyo", ".exe")
SKIP_NAMES = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")

MAIN = '''\
"""heroinfacts as a single file: python3 heroinfacts.pyz --help"""
import sys

if sys.version_info < (3, 10):  # exit 2, as the installed heroinfacts does
    sys.stderr.write(
        "heroinfacts: needs Python 3.10 or newer; this is Python %d.%d. Install a newer "
        "Python (python.org, or your system's).\\n" % sys.version_info[:2]
    )
    sys.exit(2)

from heroinfacts.__main__ import main

main()
'''


_PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


#: What each failure exits with (as the heroinfacts command does): 1 the disk (full, failing),
#: 2 the command line (a name that cannot be written, a file in the way), 3 the data or the
#: environment to pack (the shipped data missing or changed, a dependency not installed).
EXIT_DISK, EXIT_USAGE, EXIT_DATA = 1, 2, 3


class BuildError(Exception):
    """The archive cannot be built; the message says why and what to do, ``code`` is the exit
    code (EXIT_DATA unless the disk failed)."""

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Plan:
    """What goes into the archive."""

    package: Path
    data: bytes
    checksum: str
    dists: list[metadata.Distribution] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)


def _dist_name(dist: metadata.Distribution) -> str:
    return str(dist.metadata["Name"])


def _requirement(spec: str) -> tuple[str, str]:
    """(name, marker) of a Requires-Dist entry such as ``rich>=13 ; python_version < '3.11'``."""
    head, _, marker = spec.partition(";")
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", head)
    if not m:
        raise BuildError(f"cannot read the requirement {spec!r}")
    return m.group(1), marker.strip()


#: The places the archive may run: any Python from 3.10 on, on Linux, Windows or macOS.
TARGETS = [
    {
        "python_version": py,
        "python_full_version": py + ".0",
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": os_name,
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "extra": "",
    }
    for py in ("3.10", "3.11", "3.12", "3.13", "3.14")
    for sys_platform, system, os_name in (
        ("linux", "Linux", "posix"),
        ("win32", "Windows", "nt"),
        ("darwin", "Darwin", "posix"),
    )
]


def applies(marker: str) -> bool:
    """Whether a requirement with this environment marker may be needed where the archive runs.

    Markers are read with ``packaging`` (which pip and pytest bring) when it is importable; an
    extra is never needed; without ``packaging`` every other marked requirement counts.
    """
    if not marker:
        return True
    if re.search(r"\bextra\b", marker):
        return False
    try:
        from packaging.markers import InvalidMarker, Marker
    except ImportError:  # pragma: no cover - packaging comes with pip and pytest
        return True
    try:
        parsed = Marker(marker)
    except InvalidMarker:  # pragma: no cover
        return True
    return any(parsed.evaluate(dict(env)) for env in TARGETS)


def dependencies(
    roots: Sequence[str] = REQUIRED, optional: Sequence[str] = OPTIONAL
) -> tuple[list[metadata.Distribution], list[str]]:
    """Installed distributions for ``roots`` and everything they require (extras left out).

    A requirement whose environment marker may hold on some target (``; python_version <
    '3.11'``, ``; platform_system == 'Windows'``) is packed when it is installed here and noted
    as missing when not; one that holds on no target (``; python_version < '3.10'``) is skipped.
    Returns the distributions and the optional ones missing.
    """
    found: dict[str, metadata.Distribution] = {}
    missing_optional: list[str] = []
    queue: list[tuple[str, bool]] = [(r, True) for r in roots] + [(o, False) for o in optional]
    while queue:
        name, needed = queue.pop(0)
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if needed:
                raise BuildError(
                    f"{name} is not installed in this Python ({sys.executable}); "
                    "install heroinfacts here first (pip install .), then build again."
                ) from None
            missing_optional.append(name)
            continue
        found[key] = dist
        for spec in dist.requires or []:
            req, marker = _requirement(spec)
            if applies(marker):
                queue.append((req, not marker))
    return list(found.values()), missing_optional


def _dist_files(dist: metadata.Distribution) -> Iterator[tuple[Path, str]]:
    """(file on disk, path inside the archive) for the importable files of ``dist``."""
    files = dist.files
    if files is None:
        raise BuildError(f"{_dist_name(dist)} has no file list (RECORD); reinstall it with pip")
    for rel in files:
        parts = rel.parts
        if not parts or parts[0] in ("..", "") or "__pycache__" in parts:
            continue  # scripts outside site-packages, byte code
        if rel.name.endswith(SKIP_SUFFIXES) or rel.name in SKIP_NAMES:
            continue
        src = Path(str(dist.locate_file(rel)))
        if src.is_file():
            yield src, rel.as_posix()


def plan() -> Plan:
    """Find the package, the shipped data and the dependencies to pack."""
    import heroinfacts

    from .sources import shipped, shipped_checksum_recorded

    package = Path(heroinfacts.__file__).resolve().parent
    data = shipped().read()
    recorded = shipped_checksum_recorded()
    actual = hashlib.sha256(data).hexdigest()
    if recorded is None:
        raise BuildError("data/facts.yaml.sha256 is missing: record the checksum first")
    if recorded.lower() != actual:
        raise BuildError(
            "data/facts.yaml does not match data/facts.yaml.sha256; after editing the data, run:"
            " sha256sum data/facts.yaml | cut -d' ' -f1 > data/facts.yaml.sha256"
        )
    dists, missing = dependencies()
    return Plan(package, data, actual, dists, missing)


def _compile_all(root: Path) -> int:
    """Byte-compile every module next to its source (``x.py`` -> ``x.pyc``), as zipimport wants.

    The byte code is for this Python's version; another version finds a different magic number
    and reads the source instead, so the archive still runs everywhere, just starts slower.
    """
    import py_compile

    n = 0
    for src in sorted(root.rglob("*.py")):
        if src.parent == root:
            continue  # __main__.py runs as a script
        try:
            py_compile.compile(
                str(src),
                cfile=str(src) + "c",
                dfile=src.relative_to(root).as_posix(),
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        except py_compile.PyCompileError:
            continue  # code for another Python version: it is read from source, if ever
        n += 1
    return n


def stage(p: Plan, root: Path, *, byte_code: bool = True) -> int:
    """Copy everything into ``root`` (and byte-compile it); the number of files."""
    n = 0
    for src in sorted(p.package.rglob("*")):
        rel = src.relative_to(p.package)
        if not src.is_file() or "__pycache__" in rel.parts or src.name.endswith(SKIP_SUFFIXES):
            continue
        if rel.parts[0] == "data":
            continue  # written below, from the data actually checked
        dest = root / "heroinfacts" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        n += 1
    data_dir = root / "heroinfacts" / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "facts.yaml").write_bytes(p.data)
    (data_dir / "facts.yaml.sha256").write_text(p.checksum + "\n", encoding="utf-8")
    n += 2
    for dist in p.dists:
        for on_disk, inside in _dist_files(dist):
            dest = root / inside
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(on_disk, dest)
            n += 1
    (root / "__main__.py").write_text(MAIN, encoding="utf-8")
    n += 1
    if byte_code:
        n += _compile_all(root)
    return n


def build(
    output: Path,
    *,
    interpreter: str | None = "/usr/bin/env python3",
    compress: bool = True,
    byte_code: bool = True,
    force: bool = False,
) -> dict[str, object]:
    """Build the archive at ``output`` (atomically); a summary of what went in.

    An existing ``output`` is replaced only with ``force`` (FileExistsError otherwise), keeping
    its permissions; a symbolic link, a directory or a device is refused (UsageError); see
    :mod:`heroinfacts.atomic`. Missing directories above ``output`` are made.
    """
    import io

    from ._version import __version__
    from .atomic import DISK_ERRNOS, check_target, write_atomic
    from .errors import DataError

    output = Path(os.path.abspath(output))
    check_target(output, force=force)  # before the build, which takes a while
    archive = io.BytesIO()
    try:
        p = plan()
        with tempfile.TemporaryDirectory(prefix="heroinfacts-pyz-") as tmp:
            root = Path(tmp) / "app"
            root.mkdir()
            files = stage(p, root, byte_code=byte_code)
            zipapp.create_archive(
                root, archive, interpreter=interpreter, main=None, compressed=compress
            )
    except DataError as err:  # the shipped data is missing
        raise BuildError(str(err)) from None
    except OSError as err:  # reading what to pack, or staging it in the temporary directory
        code = EXIT_DISK if err.errno in DISK_ERRNOS else EXIT_DATA
        where = f" {err.filename}" if err.filename else ""
        raise BuildError(f"cannot pack{where}: {err.strerror or err}", code) from None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a part of the path is a file
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(output)) from None
    write_atomic(output, archive.getvalue(), force=force, mode=0o777)  # 0755 with umask 022
    return {
        "output": str(output),
        "bytes": len(archive.getvalue()),
        "files": files,
        "heroinfacts": __version__,
        "data_checksum": f"sha256:{p.checksum}",
        "python": _PY,
        "byte_code": byte_code,
        "bundled": {_dist_name(d): d.version for d in p.dists},
        "not_bundled": p.missing_optional,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m heroinfacts.zipapp``: build heroinfacts.pyz."""
    parser = argparse.ArgumentParser(
        prog="python -m heroinfacts.zipapp",
        description=(
            "Build heroinfacts.pyz, one file that runs offline with any Python 3.10+ "
            "(python3 heroinfacts.pyz show heroin). Packs the installed heroinfacts, its data and "
            "the pure-Python parts of its dependencies from this environment; no network needed."
        ),
        epilog="Example: python -m heroinfacts.zipapp -o heroinfacts.pyz",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="heroinfacts.pyz",
        metavar="FILE",
        help="Where to write the archive (default: heroinfacts.pyz; e.g. -o /media/usb/hf.pyz).",
    )
    parser.add_argument(
        "--python",
        default="/usr/bin/env python3",
        metavar="CMD",
        help='The #! line\'s interpreter (default: "/usr/bin/env python3"; e.g. --python python3).',
    )
    parser.add_argument(
        "--no-compress",
        action="store_true",
        help="Store files uncompressed: bigger, slightly faster to start (e.g. --no-compress).",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="Leave out byte code: half the size, but about three times slower to start "
        f"(e.g. --no-compile). Byte code only helps on this Python version ({_PY}).",
    )
    parser.add_argument(
        "-f",
        "--force",
        action="store_true",
        help="Replace FILE if it exists, keeping its permissions (e.g. --force).",
    )
    parser.add_argument(
        "--json", action="store_true", help="Print one JSON document on stdout (e.g. --json)."
    )
    args = parser.parse_args(argv)
    built = _build(args)
    if isinstance(built, int):
        code = built
    else:
        try:
            _report(args, built)
            sys.stdout.flush()
            code = 0
        except BrokenPipeError:
            code = 1
        except OSError as err:  # stdout on a full disk: the archive is built, the report lost
            _error(f"cannot write the output: {err.strerror or err}")
            code = 1
    if code:  # a lost stdout must not fail again, with a traceback, when Python exits
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code


def _error(text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"heroinfacts.zipapp: {text}.", file=sys.stderr)


def _build(args: argparse.Namespace) -> dict[str, object] | int:
    """Build as ``args`` say: the summary, or the exit code after a one-line message (never a
    traceback)."""
    from .atomic import DISK_ERRNOS
    from .errors import UsageError

    name = args.output
    try:
        return build(
            Path(name),
            interpreter=args.python,
            compress=not args.no_compress,
            byte_code=not args.no_compile,
            force=args.force,
        )
    except BuildError as err:
        _error(str(err))
        return err.code
    except UsageError as err:  # a link, a directory, a device
        _error(str(err).rstrip("."))
        return EXIT_USAGE
    except FileExistsError:
        _error(f"{name} already exists; add --force to replace it")
        return EXIT_USAGE
    except OSError as err:  # writing the archive
        _error(f"cannot write {name}: {err.strerror or err}")
        return EXIT_DISK if err.errno in DISK_ERRNOS else EXIT_USAGE


def _report(args: argparse.Namespace, info: dict[str, object]) -> None:
    """Say what was built (stdout) and what was left out (stderr)."""
    if args.json:
        import json

        print(json.dumps(info, indent=2))
        return
    bundled = info["bundled"]
    assert isinstance(bundled, dict)
    size = int(str(info["bytes"])) / 1e6
    print(
        f"Built {info['output']} ({size:.1f} MB): heroinfacts {info['heroinfacts']}, data "
        f"{info['data_checksum']}, with "
        + ", ".join(f"{k} {v}" for k, v in sorted(bundled.items(), key=lambda kv: kv[0].lower()))
        + "."
    )
    missing = info["not_bundled"]
    assert isinstance(missing, list)
    for name in missing:
        if name == "tomli":
            print(
                "note: tomli is not installed here, so on Python 3.10 the archive cannot read "
                "config.toml; use --pack or HEROINFACTS_PACKS there (3.11+ is not affected).",
                file=sys.stderr,
            )
        else:
            print(
                f"note: {name} is not installed here, so it is not packed "
                "(a dependency only some systems need).",
                file=sys.stderr,
            )
    if info["byte_code"]:
        print(
            f"Byte code is for Python {info['python']}; other versions run it from source "
            "(slower to start).",
            file=sys.stderr,
        )
    print(f"Run it with: python3 {args.output} show heroin")


if __name__ == "__main__":
    sys.exit(main())
