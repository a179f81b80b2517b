"""Long output on a terminal goes through a pager, as git and man do, so the top of the page (the
crisis box first) is what the reader sees, not the references at the bottom.

Only when stdout is a terminal and the text has more lines than it has rows; never when piped.
The pager is ``HEROINFACTS_PAGER``, else ``PAGER``, else ``less -FRX`` (``-F``: quit at once if
it fits after all, ``-R``: keep colours, ``-X``: leave the text on the screen after quitting).
``--no-pager`` (anywhere on the command line, before ``--``), ``HEROINFACTS_PAGER=`` (empty) or
``cat`` print directly. A pager that cannot be started prints directly too. Imports only
``os`` until a pager runs (the replay of a stored page stays a read).
"""

from __future__ import annotations

import os

DEFAULT = "less -FRX"
#: Set (by the entry point, from ``--no-pager``) to print directly.
OFF = "_HEROINFACTS_NO_PAGER"


def command() -> str | None:
    """The pager to use, or None to print directly."""
    if os.environ.get(OFF):
        return None
    for name in ("HEROINFACTS_PAGER", "PAGER"):
        if name in os.environ:
            value = os.environ[name].strip()
            return value if value and value != "cat" else None
    return DEFAULT


def strip_flag(args: list[str]) -> list[str]:
    """``args`` without ``--no-pager`` (before any ``--``), which turns the pager off."""
    end = args.index("--") if "--" in args else len(args)
    if "--no-pager" not in args[:end]:
        return args
    os.environ[OFF] = "1"
    return [a for i, a in enumerate(args) if i >= end or a != "--no-pager"]


def _rows() -> int | None:
    """The terminal's rows when stdout is a terminal, else None."""
    try:
        if not os.isatty(1):
            return None
        return os.get_terminal_size(1).lines
    except OSError:
        return None


def page(data: bytes) -> bool:
    """Show ``data`` through the pager when it applies; False when the caller prints it."""
    rows = _rows()
    if rows is None or data.count(b"\n") < rows:  # fits with the prompt under it
        return False
    cmd = command()
    if cmd is None:
        return False
    import shlex
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # PAGER=less alone: still keep the colours, as git does
    try:
        proc = subprocess.Popen(shlex.split(cmd), stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):
        return False
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:  # the reader quit before the end (q in less): that is fine
        pass
    while True:
        try:
            proc.wait()
            return True
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
            continue
