"""Files written whole or not at all, for the files a user names (a handout, a zipapp).

A temporary file beside the target is renamed into place, so a reader sees the old file or the
whole new one; a failure (a full disk, Ctrl-C) leaves no temporary file. A name that is a
symbolic link, a directory or a device is refused, and an existing file is replaced only when
asked (``--force``), keeping its permissions.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import UsageError
from .render.doc import clean_line, short

#: Why a file could not be written that is no fault of the command line: the disk (exit 1, as
#: for any output that cannot be written), not the file name (exit 2).
DISK_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, name)
)


def check_target(path: Path, *, force: bool = False) -> os.stat_result | None:
    """The stat data of the file ``--force`` would replace (None: there is none yet).

    Raises FileExistsError for an existing file without ``force``, UsageError for a name that
    cannot be a handout: a symbolic link (heroinfacts neither writes through one to its target
    nor replaces the link: name the file itself), something that is not a regular file (a
    directory, a device such as /dev/full, a FIFO), and OSError for a name the system refuses
    (too long, under a file, in a directory that cannot be read)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    name = clean_line(short(str(path)))  # one line, not 300 characters
    if stat.S_ISLNK(st.st_mode):
        try:
            target = clean_line(short(os.readlink(path)))
        except OSError:
            target = "?"
        raise UsageError(
            f"{name} is a symbolic link (to {target}); heroinfacts does not write through a "
            "link or replace it: name the file itself, or remove the link."
        )
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{name} is a directory; name a file in it.")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{name} is not a regular file (a device, a FIFO or a socket).")
    if not force:
        raise FileExistsError(str(path))
    return st


def write_atomic(path: Path, data: bytes, *, force: bool = False, mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    Readers see the old file or the whole new one, never part of it, and a failure (a full
    disk) leaves no temporary file. Without ``force`` an existing file is never replaced
    (FileExistsError), even if it appears while writing; with ``force`` the new file keeps the
    old one's permission bits (and its owner and group, where the user may set them). A new
    file gets ``mode`` less the umask. See :func:`check_target` for the names refused.
    """
    old = check_target(path, force=force)
    # the name's start only: a 250-character name must not fail for its temporary file's sake
    prefix = f".{path.name[:100]}."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode) & 0o777)
            getuid = getattr(os, "getuid", None)  # not on Windows, which has no owners here
            if getuid is not None and (old.st_uid, old.st_gid) != (getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.chown(tmp, old.st_uid, old.st_gid)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, mode & ~mask)
        if force:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbers
        except FileExistsError:
            raise
        except OSError:  # no hard links here (a FAT-formatted USB stick): check, then rename
            if os.path.lexists(path):
                raise FileExistsError(str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
