"""Which files are the tool's own: the trust rule for what it reads from the cache directory, and
the names and first bytes of what it writes there, so that clean-up removes nothing else.

Both the compiled cache (:mod:`heroinfacts.cache`) and the stored outputs
(:mod:`heroinfacts.stored_output`) use it. Replaying a stored output imports this module first
thing, so it needs only ``os`` (``re`` and ``stat`` only to list a directory).
"""

from __future__ import annotations

import os

#: The names the tool writes in the cache directory and in its ``pages`` directory (regular
#: expressions, matched whole): nothing else there is ever removed.
CACHE_NAME = r"kb-[0-9a-f]{32}\.sqlite"
CACHE_TMP = r"\.kb-[0-9a-f]{32}-(?:([0-9]+)-)?[A-Za-z0-9_]+\.tmp"
PAGE_NAME = r"[0-9a-f]{32}\.txt"
PAGE_TMP = r"\.page-[A-Za-z0-9_]+\.tmp"

#: How the files the tool writes begin (a compiled cache, a stored output).
SQLITE_MAGIC = b"SQLite format 3\x00"
PAGE_MAGIC = b"heroinfacts-out-2"


def trusted(st: os.stat_result) -> bool:
    """Whether a file or directory is ours alone: owned by this user and writable by no one
    else. Only such a cache file or stored output is read."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owners to check (Windows)
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022


def starts_with(path: str, magic: bytes) -> bool:
    """Whether the file at ``path`` (not a symbolic link) begins with ``magic``."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return False
    try:
        return os.read(fd, len(magic)) == magic
    except OSError:
        return False
    finally:
        os.close(fd)


def own_files(
    directory: str, *names: str, magic: bytes | None = None
) -> list[tuple[str, os.stat_result]]:
    """Regular files directly in ``directory`` whose names the tool writes (``names``, among the
    patterns above) and, with ``magic``, that begin as the tool's files do, with their stat data;
    symbolic links, directories, other names and other contents are left alone."""
    import re
    import stat

    patterns = [re.compile(n) for n in names]
    found = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if not any(p.fullmatch(entry.name) for p in patterns):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode) and (magic is None or starts_with(entry.path, magic)):
                    found.append((entry.path, st))
    except OSError:
        pass
    return found
