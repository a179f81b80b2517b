"""Exit codes, and the mapping from the library's errors to a message and an exit code.

One enum for the CLI, the fast path, the entry point and the docs (README "Exit codes").
Nothing here imports Typer: every function prints and returns the code to exit with.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from .. import output
from ..errors import DataError, NotFound
from ..render.doc import short


class Exit(IntEnum):
    """What a heroinfacts process exits with."""

    FOUND = 0  #: an answer was printed
    NOTHING = 1  #: nothing matched (or the output could not be written)
    USAGE = 2  #: the command line (or a config file) is wrong
    DATA = 3  #: a data file or pack is invalid
    INTERNAL = 70  #: a bug: reported in one line, a traceback only with HEROINFACTS_DEBUG=1
    INTERRUPTED = 130  #: Ctrl-C


#: The ``type`` of the JSON error document, by exit code.
ERROR_TYPES = {Exit.NOTHING: "not-found", Exit.USAGE: "usage", Exit.DATA: "invalid-data"}


def fail(
    code: Exit,
    text: str,
    *,
    json_out: bool = False,
    message: str | None = None,
    kind: str | None = None,
    **detail: Any,
) -> Exit:
    """Print ``text`` on stderr and return ``code``. With ``json_out``, stdout gets one JSON
    document too: ``{"error": {"code", "type", "message", ...detail}}``, the message being the
    first line of ``text`` without the program name unless given, the type ``kind`` or the
    code's (:data:`ERROR_TYPES`)."""
    if json_out:
        if message is None:
            first = text.splitlines()[0] if text else ""
            message = first.removeprefix("heroinfacts: ")
        kind = kind or ERROR_TYPES.get(code, "error")
        output.emit_json({"error": {"code": int(code), "type": kind, "message": message, **detail}})
    if not output.message(text) and code == Exit.USAGE:
        return Exit.NOTHING  # what the run had to say was lost (stderr full), as Typer's are
    return code


def usage(err: Exception, json_out: bool = False) -> Exit:
    """A usage error found by a command (not by the parser): exit 2."""
    return fail(Exit.USAGE, f"heroinfacts: {err}", json_out=json_out)


#: Where to see every name of a kind, for the "not found" message.
LISTING = {"topic": "topics", "list": "symptoms", "term": "define", "reference": "refs"}


def not_found_text(err: NotFound) -> str:
    """Nothing matched: what was asked, where to look, and the best guess last."""
    lines = [f"heroinfacts: no {err.kind} called {short(err.name)!r}."]
    if err.kind == "drug":
        lines.append("No data is not the same as safe: ask a pharmacist or doctor before mixing.")
    elif err.kind in LISTING:
        lines.append(f"See them all: heroinfacts {LISTING[err.kind]}")
    if err.suggestions:
        lines.append("Did you mean: " + ", ".join(err.suggestions) + "?")
    return "\n".join(lines)


def not_found(err: NotFound, json_out: bool = False) -> Exit:
    """Nothing matched: exit 1, with suggestions."""
    return fail(
        Exit.NOTHING,
        not_found_text(err),
        json_out=json_out,
        what=err.kind,
        name=err.name,
        suggestions=list(err.suggestions),
    )


def data_error(err: DataError, json_out: bool = False) -> Exit:
    """Invalid data: the first 20 problems as file:line: message, exit 3."""
    lines = [str(p) for p in err.problems[:20]]
    if len(err.problems) > 20:
        lines.append(f"... and {len(err.problems) - 20} more; run: heroinfacts validate")
    lines.append("heroinfacts: the data above is invalid; fix it or leave that pack out.")
    problems = [{"file": p.file, "line": p.line, "message": p.message} for p in err.problems]
    return fail(
        Exit.DATA,
        "\n".join(lines),
        json_out=json_out,
        message="the data is invalid; fix it or leave that pack out.",
        problems=problems,
    )
