"""What people type first, read as they mean it, before either parser sees the command line.

* ``heroinfacts help`` is ``heroinfacts --help``, and ``heroinfacts help show`` is
  ``heroinfacts show --help``.
* A first word that is no command, and is not a near miss of one, starts a question:
  ``heroinfacts heroin`` and ``heroinfacts is heroin a depressant`` are answered as ``ask``
  would answer them (``heroinfacts cant wake her`` gets the 911 line first, as ``ask`` does).
* A near miss of a command (``shwo``, ``topic``) is left alone, so Typer still says
  "did you mean show".
"""

from __future__ import annotations

from collections.abc import Sequence

from .parse import _Defer, _split
from .table import BY_NAME, PROGRAM

#: How close a word must be to a command name to count as a typo of it.
TYPO = 0.75


def is_typo(word: str) -> bool:
    """``word`` is a near miss of a command name (``shwo`` for ``show``)."""
    import difflib

    return bool(difflib.get_close_matches(word.lower(), [*BY_NAME, "help"], 1, TYPO))


def rewrite(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``help`` and a bare question read as above; anything else unchanged."""
    args = list(argv)
    try:
        given, _, rest = _split(PROGRAM.options, args, interspersed=False)
    except _Defer:
        return args
    if not rest or "help" in given or "version" in given:
        return args
    head, at = rest[0], len(args) - len(rest)
    if head == "help":
        command = rest[1:2] if rest[1:2] and rest[1] in BY_NAME else []
        return [*args[:at], *command, "--help"]
    if head in BY_NAME or head.startswith("-") or is_typo(head):
        return args
    return [*args[:at], "ask", *rest]
