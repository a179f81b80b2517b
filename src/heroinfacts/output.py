"""Deciding how to print (terminal, plain or JSON) and printing: stdout for results, stderr for
messages. Rich is imported only when a terminal is the audience.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from .records import Struct
from .render.doc import Doc

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .views import View


class Mode(Struct):
    """Resolved output settings for one run."""

    json: bool
    rich: bool  # rich layout (a terminal, or FORCE_COLOR)
    color_system: str | None  # None: no colour
    width: int
    ascii_only: bool
    quiet: bool = False

    @property
    def key(self) -> str:
        """What a rendered page depends on, for the page cache."""
        return f"{self.rich}:{self.color_system}:{self.width}:{self.ascii_only}"


def _env_on(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def _can_encode(stream: Any, sample: str = "•☐●○─╭…") -> bool:
    enc = getattr(stream, "encoding", None) or "ascii"
    try:
        sample.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def decide(
    *,
    json_out: bool = False,
    plain: bool = False,
    no_color: bool = False,
    width: int | None = None,
    quiet: bool = False,
) -> Mode:
    """clig.dev rules: rich on a terminal; plain when piped or with --plain; colour off with
    --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR forces it; width from --width, COLUMNS or
    the terminal."""
    try:
        tty = sys.stdout.isatty()
    except (ValueError, AttributeError):
        tty = False
    force = _env_on("FORCE_COLOR")
    rich = not json_out and not plain and (tty or force)
    term = os.environ.get("TERM", "")
    color: str | None = None
    if rich and not no_color and "NO_COLOR" not in os.environ and (force or term != "dumb"):
        colorterm = os.environ.get("COLORTERM", "")
        if colorterm in ("truecolor", "24bit"):
            color = "truecolor"
        elif "256" in term:
            color = "256"
        else:
            color = "standard"
    if width is None:
        cols = os.environ.get("COLUMNS", "")
        if cols.isdigit() and int(cols) > 0:
            width = int(cols)
        elif tty:
            import shutil

            width = shutil.get_terminal_size((80, 24)).columns
        else:
            width = 80
    width = max(20, min(width, 1000))
    return Mode(json_out, rich, color, width, not _can_encode(sys.stdout), quiet)


#: While a list, everything written (``(1, text)`` on stdout, ``(2, text)`` on stderr) is also
#: appended to it, so that a terminal's output can be stored
#: (:func:`heroinfacts.stored_output.record`).
recording: list[tuple[int, str]] | None = None
#: Set when a message could not be written (stderr on a full disk): what was printed is not
#: what the run had to say, so it is not stored for a repeat to print.
lost = False


def _paged(text: str) -> bool:
    """``text`` shown through the pager (long output on a terminal): see heroinfacts.pager."""
    stream: Any = sys.stdout
    real = id(stream) == id(sys.__stdout__)  # not a capture (a test runner's, a recording)
    if not text or stream is None or not real or text.count("\n") < 10:
        return False
    try:
        if stream.fileno() != 1:
            return False
    except (OSError, ValueError, AttributeError):
        return False
    from .pager import page

    stream.flush()
    return page(text.encode(getattr(stream, "encoding", None) or "utf-8", "replace"))


def write(text: str) -> None:
    """Write ``text`` to stdout, through the pager when it is long output on a terminal; a write
    that fails is :class:`~heroinfacts.errors.OutputError`."""
    try:
        if not _paged(text):
            sys.stdout.write(text)
        sys.stdout.flush()
        if recording is not None:
            recording.append((1, text))
    except BrokenPipeError:
        raise  # a reader that went away: the entry point ends quietly
    except OSError as err:
        from .errors import OutputError

        raise OutputError(err.strerror or str(err)) from None


#: Characters JSON may carry raw but a terminal would act on: C1 controls, bidi overrides,
#: zero-width marks, line and paragraph separators. emit_json writes them as \uXXXX.
_JSON_UNSAFE = re.compile("[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any) -> str:
    """``data`` as JSON that stdout can encode and that nothing in can act on a terminal."""
    ascii_only = not _can_encode(sys.stdout, "é●")
    text = json.dumps(data, ensure_ascii=ascii_only, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit_json(data: Any) -> None:
    """Exactly one JSON document on stdout."""
    write(json_text(data) + "\n")


#: Typographic characters and their ASCII stand-ins, one for one so that layouts keep their
#: alignment; used when the output cannot be encoded (LANG=C, PYTHONIOENCODING=ascii).
_ASCII = str.maketrans(
    {
        "\u00b7": "-",  # the middle dot between contacts
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2022": "-",
        "\u2026": ".",
    }
)


def to_ascii(text: str) -> str:
    """``text`` with typographic characters as ASCII; anything left over becomes ``?``."""
    return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


#: Spaces rich pads table cells with at the end of a line (before any closing style codes).
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def render_doc(doc: Doc, mode: Mode) -> str:
    """The document as text for stdout, in the mode's form."""
    if mode.rich:
        import io

        from .render import term

        buf = io.StringIO()
        con = term.console(buf, mode.width, mode.color_system, ascii_only=mode.ascii_only)
        term.render(doc, con, mode.ascii_only)
        text = _TRAILING.sub(r"\1", buf.getvalue())
    else:
        from .render import plain

        text = plain.render(doc, mode.width, mode.ascii_only)
    return to_ascii(text) if mode.ascii_only else text


def message(text: str) -> bool:
    """A message for people, on stderr (never on stdout); False if it could not be written."""
    global lost
    from .render.doc import clean

    stream = sys.stderr
    if stream is None:
        return False
    safe = clean(text)
    if not _can_encode(stream, safe):
        enc = getattr(stream, "encoding", None) or "ascii"
        safe = safe.translate(_ASCII).encode(enc, "replace").decode(enc)
    try:
        stream.write(safe + "\n")
        stream.flush()
        if recording is not None:
            recording.append((2, safe + "\n"))
    except (OSError, ValueError):
        lost = True
        return False
    return True


def show_view(view: View, mode: Mode) -> None:
    """Print a command's result: its JSON data or its document on stdout, then its notices on
    stderr (unless quiet)."""
    if mode.json:
        emit_json(view.data)
    else:
        doc = view.doc if view.rows is None or mode.rich else view.rows
        write(render_doc(doc, mode))
    if not mode.quiet:
        for note in view.notices:
            message(note)


#: Set once the override notice is printed: it shows once per run.
_OVERRIDES_NOTED: list[bool] = []


def override_notice(overrides: Sequence[Mapping[str, Any]]) -> None:
    """Say on stderr, once per run and even with --quiet, which shipped entries packs replaced."""
    if not overrides or _OVERRIDES_NOTED:
        return
    _OVERRIDES_NOTED.append(True)
    n = len(overrides)
    head = f"heroinfacts: note: a pack replaces {n} shipped entr{'ies' if n > 1 else 'y'}:"
    from .views import override_lines

    lines = override_lines(overrides)
    more = [f"  ... and {n - 5} more; see: heroinfacts about"] if n > 5 else []
    message("\n".join([head, *("  " + line for line in lines[:5]), *more]))
